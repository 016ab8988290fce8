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

    var path: String { address.path }
    let address: SocketServerAddress
    let connection: ServerConnection<LineFraming>

    init(address: SocketServerAddress, configuration: BackendConfiguration) {
        self.address = address
        self.connection = ServerConnection(
            backend: Self.registryName, address: address.path, framing: LineFraming(),
            depth: configuration.depth,
            spinMicroseconds: ServerConnection<LineFraming>.spinMicroseconds(environment: configuration.environment)
        ) { () throws(OperationError) in
            try address.connect(backend: Self.registryName, configuration: configuration)
        }
    }

    public static func make(_ configuration: BackendConfiguration) throws(BackendError) -> any Backend {
        IPCBackend(address: try SocketServerAddress(configuration, backend: registryName), configuration: configuration)
    }

    public func apply(_ operation: MathOperation, _ a: Value, _ b: Value?) throws(OperationError) -> Value {
        try connection.call(OperationCall(operation, a, b))
    }

    public func apply(_ calls: [OperationCall], into results: inout [Result<Value, OperationError>]) {
        connection.call(calls, into: &results)
    }
}
