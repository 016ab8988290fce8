import Foundation

/// A `complex-server` started for one test, on a private socket path; stopped
/// (SIGKILL if need be) when released, so no test leaves a server behind.
public final class ServerProcess {
    public let process = Process()
    public let socketPath: String?
    let stderrURL: URL
    let directory: TemporaryDirectory

    /// Starts the server with `arguments`; waits until the socket answers when
    /// `socketPath` is given.
    /// - Parameter fileLimit: RLIMIT_NOFILE for the server, to test descriptor exhaustion.
    public init(_ arguments: [String], socketPath: String?, in directory: TemporaryDirectory, fileLimit: Int? = nil) throws {
        self.socketPath = socketPath
        self.directory = directory
        stderrURL = directory.url.appendingPathComponent("server-\(UUID().uuidString.prefix(6)).log")
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        if let fileLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -n \(fileLimit) && exec \"$0\" \"$@\"", ProcessRunner.product("complex-server")] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: ProcessRunner.product("complex-server"))
            process.arguments = arguments
        }
        process.environment = ProcessRunner.isolatedEnvironment(in: directory.path)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        if let socketPath {
            let deadline = Date().addingTimeInterval(10)
            while (try? LineClient(socketPath: socketPath)) == nil {
                guard process.isRunning, Date() < deadline else {
                    throw LineClient.Failure("server did not come up on \(socketPath): \(log)")
                }
                usleep(10_000)
            }
        }
    }

    /// What the server wrote to stderr.
    public var log: String {
        (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
    }

    /// Sends `signal` and waits (bounded) for exit; returns the exit status, nil on timeout.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, timeout: Double = 5) -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        guard !process.isRunning else { return nil }
        return process.terminationStatus
    }

    deinit {
        // Bounded: Foundation has been seen to miss a child's exit under load, and an
        // unbounded wait would hang the whole suite.
        stop(signal: SIGKILL)
    }
}

/// A blocking newline-delimited client on a Unix socket, for tests.
public final class LineClient {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        init(_ text: String) { description = text }
    }

    public let fd: Int32
    var pending: [UInt8] = []

    public init(socketPath: String, timeoutSeconds: Int = 10) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(socketPath.utf8)
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0 else {
            // deinit closes fd: an initializer that throws once every property is set
            // still runs deinit, so closing here too would close someone else's descriptor.
            throw Failure("connect \(socketPath): \(String(cString: strerror(errno)))")
        }
        var limit = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    public func send(_ text: String) throws {
        try send(bytes: Array(text.utf8))
    }

    /// Sends raw bytes, for input that is not valid UTF-8.
    public func send(bytes: [UInt8]) throws {
        var bytes = bytes
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure("send: \(String(cString: strerror(errno)))") }
            offset += n
        }
    }

    /// Closes the write side, as the original demo's client does after its request.
    public func shutdownWrite() {
        shutdown(fd, Int32(SHUT_WR))
    }

    /// The next line (without its newline), or nil at end of stream.
    public func readLine() throws -> String? {
        while true {
            if let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            var buffer = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 { return nil }
            guard n > 0 else { throw Failure("recv: \(String(cString: strerror(errno)))") }
            pending += buffer[..<n]
        }
    }

    /// Sends one request line and returns the reply line.
    public func call(_ request: String) throws -> String {
        try send(request + "\n")
        guard let line = try readLine() else { throw Failure("connection closed before a reply to \(request)") }
        return line
    }
}

extension ServerProcess {
    /// A line of the server's /proc status, as a number (`Threads`, `VmRSS` in KiB); 0
    /// once it is gone.
    func status(_ field: String) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
        return Int(line.dropFirst(field.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "") ?? 0
    }

    /// The server's threads now.
    public var threadCount: Int { status("Threads") }

    /// The server's resident memory now, in MB.
    public var residentMegabytes: Double { Double(status("VmRSS")) / 1024 }
}

