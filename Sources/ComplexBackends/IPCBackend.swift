import ComplexLanguage
import ComplexWire

/// Sends every operation to complex-server over a Unix socket: one persistent
/// connection, opened on first use, one JSON line each way per operation, many in
/// flight when the evaluator has many ready.
public final class IPCBackend: Backend, RegisteredBackend {
    public static let registryName = "ipc"
    public static let help = "complex-server over a Unix socket; ARG: socket path (default one auto-starts a server)"
    public static let argumentKind: BackendArgumentKind? = .socket

    public var name: String { Self.registryName }
    public var summary: String { "ipc (\(path))" }
    public var pipelines: Bool { true }

    let path: String
    let connection: ServerConnection<LineFraming>

    init(path: String, isDefaultPath: Bool, configuration: BackendConfiguration) {
        self.path = path
        self.connection = ServerConnection(
            backend: Self.registryName, address: path, framing: LineFraming(),
            depth: configuration.depth,
            spinMicroseconds: ServerConnection<LineFraming>.spinMicroseconds(environment: configuration.environment)
        ) { () throws(OperationError) in
            try ServerLauncher.connectOrStart(
                backend: Self.registryName, address: path, isDefault: isDefaultPath,
                serverArguments: ["--socket", path, "--no-http"], configuration: configuration
            ) { () throws(BlockingSocket.Failure) in
                try BlockingSocket.connect(unixPath: path, timeoutSeconds: ServerConnection<LineFraming>.timeoutSeconds)
            }
        }
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

    public func apply(_ operation: MathOperation, _ a: Value, _ b: Value?) throws(OperationError) -> Value {
        try connection.call(OperationCall(operation, a, b))
    }

    public func apply(_ calls: [OperationCall], into results: inout [Result<Value, OperationError>]) {
        connection.call(calls, into: &results)
    }
}
