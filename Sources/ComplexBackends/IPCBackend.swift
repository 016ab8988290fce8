import ComplexLanguage
import ComplexWire

/// Sends every operation to complex-server over a Unix socket: one persistent
/// connection, opened on first use, one JSON line each way per operation, many in
/// flight when the evaluator has many ready.
package final class IPCBackend: Backend, RegisteredBackend {
    package static let registryName = "ipc"
    package static let help = "complex-server over a Unix socket; ARG: socket path (default one auto-starts a server)"
    package static let argumentKind: BackendArgumentKind? = .socket

    package var name: String { Self.registryName }
    package var summary: String { "ipc (\(path))" }
    package var pipelines: Bool { true }

    var path: String { address.path }
    let address: SocketServerAddress
    let connection: ServerConnection<LineFraming>

    init(address: SocketServerAddress, configuration: BackendConfiguration) {
        self.address = address
        self.connection = ServerConnection(
            backend: Self.registryName, address: address.path, framing: LineFraming(),
            depth: configuration.depth, policy: ClientPolicy(environment: configuration.environment)
        ) { () throws(OperationError) in
            try address.connect(backend: Self.registryName, configuration: configuration)
        }
    }

    package static func make(_ configuration: BackendConfiguration) throws(BackendError) -> any Backend {
        IPCBackend(address: try SocketServerAddress(configuration, backend: registryName), configuration: configuration)
    }

    package func apply(_ operation: MathOperation, _ a: Value, _ b: Value?) throws(OperationError) -> Value {
        try connection.call(OperationCall(operation, a, b))
    }

    package func apply(_ calls: [OperationCall], into results: inout [Result<Value, OperationError>]) {
        connection.call(calls, into: &results)
    }

    package func apply(count: Int, call: (Int) -> OperationCall, answer: (Int, Result<Value, OperationError>) -> Void) {
        connection.exchange(count: count, call: call, answer: answer)
    }
}
