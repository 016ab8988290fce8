#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ComplexBackends

/// A complex-server started for the benchmark on a private socket path (and a free
/// loopback port), and stopped with it: nothing is left behind.
final class ServerFixture {
    let directory: String
    let socketPath: String
    private(set) var pid: pid_t?

    init() throws(BenchmarkError) {
        var template = Array("/tmp/complex-bench-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw .setup("cannot create a temporary directory") }
        directory = String(cString: made)
        socketPath = directory + "/bench.sock"
    }

    /// Starts the server (once) with the listeners the benchmark needs.
    func start(executableDirectory: String?) throws(BenchmarkError) {
        guard pid == nil else { return }
        let path = socketPath
        switch ServerLauncher.launch(
            arguments: ["--socket", path],
            executableDirectory: executableDirectory,
            ready: { access(path, F_OK) == 0 }
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
