import Glibc
import ComplexBackends

/// A complex-server started for the benchmark on a private socket path (and free
/// loopback ports for HTTP and gRPC), and stopped with it: nothing is left behind.
final class ServerFixture {
    let directory: String
    let socketPath: String
    let httpPort: Int
    let grpcPort: Int
    private(set) var pid: pid_t?

    /// The URL of the listener that `scheme` (`http`, `grpc`) names.
    func url(scheme: String) -> String {
        "\(scheme)://127.0.0.1:\(scheme == "grpc" ? grpcPort : httpPort)"
    }

    init() throws(BenchmarkError) {
        var template = Array("/tmp/complex-bench-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw .setup("cannot create a temporary directory") }
        directory = String(cString: made)
        socketPath = directory + "/bench.sock"
        guard let port = Self.freeLoopbackPort(), let other = Self.freeLoopbackPort(), other != port else {
            throw .setup("cannot find two free loopback ports")
        }
        httpPort = port
        grpcPort = other
    }

    /// A port the kernel just handed out on 127.0.0.1 (free unless someone races us for it).
    static func freeLoopbackPort() -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }

    static func answers(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }

    /// Starts the server (once) with the listeners the benchmark needs.
    func start(executableDirectory: String?) throws(BenchmarkError) {
        guard pid == nil else { return }
        let path = socketPath, port = httpPort, grpc = grpcPort
        switch ServerLauncher.launch(
            arguments: ["--socket", path, "--http", "127.0.0.1:\(port)", "--grpc", "127.0.0.1:\(grpc)"],
            executableDirectory: executableDirectory,
            ready: { access(path, F_OK) == 0 && Self.answers(port: port) && Self.answers(port: grpc) }
        ) {
        case .success(let started): pid = started
        case .failure(let failure): throw .setup("cannot start complex-server: \(failure.reason)")
        }
    }

    func stop() {
        if let pid {
            kill(pid, SIGTERM)
            var status: Int32 = 0
            for _ in 0..<200 where waitpid(pid, &status, WNOHANG) != pid { usleep(10_000) }
            kill(pid, SIGKILL)
            waitpid(pid, &status, WNOHANG)
            self.pid = nil
        }
        unlink(socketPath)
        rmdir(directory)
    }

    deinit { stop() }
}
