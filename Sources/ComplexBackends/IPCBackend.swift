#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ComplexLanguage
import ComplexWire

/// Sends every operation to complex-server over a Unix socket: one persistent
/// connection, opened on first use, one JSON line each way per operation.
public final class IPCBackend: Backend, RegisteredBackend {
    public static let registryName = "ipc"
    public static let help = "complex-server over a Unix socket; ARG: socket path (default one auto-starts a server)"
    /// Seconds to wait for a reply before giving up on the connection.
    public static let timeoutSeconds = 5
    /// How long to poll for a reply before sleeping in recv (COMPLEX_REPL_SPIN_US overrides).
    static let spinMicroseconds: UInt64 = {
        if let text = getenv("COMPLEX_REPL_SPIN_US"), let value = UInt64(String(cString: text)) { return value }
        return 50
    }()

    public var name: String { Self.registryName }
    public var summary: String { "ipc (\(path))" }

    let path: String
    let isDefaultPath: Bool
    let configuration: BackendConfiguration
    var connection: BlockingSocket?
    var request: [UInt8] = []
    var reply: [UInt8] = []
    var writer = JSONWriter()

    init(path: String, isDefaultPath: Bool, configuration: BackendConfiguration) {
        self.path = path
        self.isDefaultPath = isDefaultPath
        self.configuration = configuration
    }

    public static func make(_ configuration: BackendConfiguration) throws(BackendError) -> any Backend {
        let defaultPath = SocketLocation.defaultPath(environment: configuration.environment)
        let path = configuration.argument ?? defaultPath
        guard path.utf8.count <= SocketLocation.maximumPathLength else {
            throw .invalidArgument(backend: registryName, argument: path,
                                   hint: "a Unix socket path holds at most \(SocketLocation.maximumPathLength) bytes")
        }
        return IPCBackend(path: path, isDefaultPath: path == defaultPath, configuration: configuration)
    }

    public func apply(_ operation: Operation, _ a: Value, _ b: Value?) throws(OperationError) -> Value {
        request.removeAll(keepingCapacity: true)
        WireRequest(operation, a, b).encode(to: &request, writer: &writer)
        request.append(UInt8(ascii: "\n"))
        let lineEnd: Int
        while true {
            let kept = connection != nil
            let socket = try connected()
            do throws(BlockingSocket.Failure) {
                try socket.send(request)
                lineEnd = try receiveLine(socket)
                break
            } catch {
                connection = nil
                // See `BlockingSocket.Failure.peerClosed`: a kept connection gets one more try.
                if kept && error.peerClosed { continue }
                throw .backendFailure("ipc: lost complex-server at \(path) (\(error.reason)); the next operation reconnects")
            }
        }
        return try decode(reply[..<lineEnd])
    }

    /// Reads into `reply` until a newline; returns its index.
    func receiveLine(_ socket: BlockingSocket) throws(BlockingSocket.Failure) -> Int {
        var count = 0
        var scanned = 0
        while true {
            let n = try socket.receive(into: &reply, after: count)
            if n == 0 { throw BlockingSocket.Failure.closedByServer }
            count += n
            if let newline = reply[scanned..<count].firstIndex(of: UInt8(ascii: "\n")) { return newline }
            scanned = count
            if count > 1 << 20 { throw BlockingSocket.Failure(reason: "reply line over 1 MiB") }
        }
    }

    func decode(_ line: ArraySlice<UInt8>) throws(OperationError) -> Value {
        let decoded: Result<WireResponse, WireError> = line.withUnsafeBufferPointer { bytes in
            do throws(WireError) { return .success(try WireResponse.decode(bytes)) } catch { return .failure(error) }
        }
        switch decoded {
        case .success(.result(let value)): return value
        case .success(.failure(let code, let message)): throw OperationError(code: code, message: message)
        case .failure(let error):
            connection = nil
            throw .backendFailure("ipc: complex-server at \(path) sent a reply that is not the protocol's (\(error.message))")
        }
    }

    func connected() throws(OperationError) -> BlockingSocket {
        if let connection { return connection }
        let path = self.path
        let socket = try ServerLauncher.connectOrStart(
            backend: Self.registryName, address: path, isDefault: isDefaultPath,
            serverArguments: ["--socket", path, "--no-http"], configuration: configuration
        ) { () throws(BlockingSocket.Failure) in
            try BlockingSocket.connect(unixPath: path, timeoutSeconds: Self.timeoutSeconds)
        }
        socket.spinMicroseconds = Self.spinMicroseconds
        connection = socket
        return socket
    }
}
