import ComplexLanguage
import ComplexWire

/// Sends every operation to complex-server as `POST /<op>` over one keep-alive
/// HTTP/1.1 connection, pipelined when the evaluator has many ready.
///
/// HTTP is encoded here and parsed by `HTTPReplyParser`, over a blocking socket
/// (`HTTPFraming`): this avoids an event loop and a thread hop per operation
/// (AsyncHTTPClient and URLSession measured 5× and 10× slower here).
package final class HTTPBackend: Backend, RegisteredBackend {
    package static let registryName = "http"
    package static let help = "complex-server over HTTP/1.1; ARG: URL (default http://127.0.0.1:3000, auto-started)"
    package static let argumentKind: BackendArgumentKind? = .url
    package static let defaultURL = "http://127.0.0.1:3000"
    package static let urlScheme: String? = "http"

    package var name: String { Self.registryName }
    package var summary: String { "http (\(url))" }
    package var pipelines: Bool { true }

    let url: String
    let connection: ServerConnection<HTTPFraming>

    init(url: String, address: HTTPAddress, isDefault: Bool, configuration: BackendConfiguration) {
        self.url = url
        let authorization = configuration.bearerAuthorization
        self.connection = ServerConnection(
            backend: Self.registryName, address: url,
            framing: HTTPFraming(address: address, authorization: authorization),
            depth: configuration.depth, policy: ClientPolicy(environment: configuration.environment)
        ) { () throws(OperationError) in
            try ServerLauncher.connectOrStart(
                backend: Self.registryName, address: url, isDefault: isDefault,
                serverArguments: ["--no-socket", "--http", address.description], configuration: configuration
            ) { () throws(BlockingStream.Failure) in
                try BlockingStream.connect(host: address.host, port: address.port,
                                           timeoutSeconds: ClientPolicy.replyTimeoutSeconds)
            }
        }
    }

    package static func make(_ configuration: BackendConfiguration) throws(BackendError) -> any Backend {
        let url = configuration.argument ?? defaultURL
        let address = try ServerURL.address(of: url, backend: registryName, scheme: "http", speaks: "plain HTTP",
                                            defaultPort: 80, example: defaultURL)
        return HTTPBackend(url: url, address: address, isDefault: url == defaultURL, configuration: configuration)
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
