import ComplexGRPC
import ComplexLanguage
import ComplexWire

/// Sends every operation to complex-server's gRPC listener (`complex-server --grpc`),
/// over one `ComputeStream` call kept for the session: the evaluator's operations go in
/// batches of up to `depth` (one message each way per batch), their replies in order,
/// as `ipc` pipelines over its socket.
///
/// A stream, not a unary call per operation, even one at a time: a unary call opens an
/// HTTP/2 stream and sends headers and trailers each way, where a message on an open
/// stream sends a frame (FACTS.md: 9,100 unary calls/s against 52,000 stream messages/s
/// in the prototype). And batches, not a message per operation: gRPC's cost is per
/// message, about 20 µs of CPU between the two sides here, against 40 bytes of
/// operation (64 in flight: 52,000 operations/s one per message).
package final class GRPCBackend: Backend, RegisteredBackend {
    package static let registryName = "grpc"
    package static let help = "complex-server over gRPC (HTTP/2); ARG: URL (default grpc://127.0.0.1:50051, auto-started)"
    package static let argumentKind: BackendArgumentKind? = .url
    package static let urlScheme: String? = "grpc"
    package static let defaultURL = "grpc://\(GRPCContract.defaultAddress)"

    package var name: String { Self.registryName }
    package var summary: String { "grpc (\(url))" }
    package var pipelines: Bool { true }

    let url: String
    let address: HTTPAddress
    let isDefault: Bool
    let configuration: BackendConfiguration
    let authorization: String?
    let policy: ClientPolicy
    let depth: Int
    var stream: GRPCStream?
    var batch = Complex_V1_ComputeBatch()

    init(url: String, address: HTTPAddress, isDefault: Bool, configuration: BackendConfiguration) {
        self.url = url
        self.address = address
        self.isDefault = isDefault
        self.configuration = configuration
        self.authorization = configuration.bearerAuthorization
        self.policy = ClientPolicy(environment: configuration.environment)
        self.depth = max(configuration.depth, 1)
    }

    package static func make(_ configuration: BackendConfiguration) throws(BackendError) -> any Backend {
        let url = configuration.argument ?? defaultURL
        let address = try ServerURL.address(of: url, backend: registryName, scheme: "grpc", speaks: "gRPC without TLS",
                                            defaultPort: nil, example: defaultURL)
        return GRPCBackend(url: url, address: address, isDefault: url == defaultURL, configuration: configuration)
    }

    package func apply(_ operation: MathOperation, _ a: Value, _ b: Value?) throws(OperationError) -> Value {
        var answer: Result<Value, OperationError>?
        exchange(count: 1, call: { _ in OperationCall(operation, a, b) }, answer: { _, result in answer = result })
        return try answer!.get()  // `exchange` answers every call exactly once
    }

    package func apply(_ calls: [OperationCall], into results: inout [Result<Value, OperationError>]) {
        results.removeAll(keepingCapacity: true)
        exchange(count: calls.count, call: { calls[$0] }, answer: { _, result in results.append(result) })
    }

    /// Sends calls `0..<count` and hands `answer` each one's result, in order, exactly
    /// once, with `ClientPolicy`'s rule for a connection that goes away.
    func exchange(count: Int, call: (Int) -> OperationCall, answer: (Int, Result<Value, OperationError>) -> Void) {
        ClientPolicy.exchange(
            count: count, backend: Self.registryName, peer: "complex-server at \(url)",
            isConnected: { stream != nil },
            connect: { () throws(OperationError) in try connect() },
            serve: { (answered: inout Int) throws(ClientPolicy.Lost) in
                try serve(count: count, answered: &answered, call: call, answer: answer)
            },
            disconnect: disconnect,
            answer: answer)
    }

    /// Sends batches of up to `depth`, the next once the last is answered.
    func serve(
        count: Int, answered: inout Int,
        call: (Int) -> OperationCall, answer: (Int, Result<Value, OperationError>) -> Void
    ) throws(ClientPolicy.Lost) {
        guard let stream else { return }
        while answered < count {
            let end = min(count, answered + depth)
            batch.requests.removeAll(keepingCapacity: true)
            for index in answered..<end {
                let operation = call(index)
                batch.requests.append(Complex_V1_ComputeRequest(WireRequest(operation.operation, operation.a, operation.b)))
            }
            stream.send(batch)
            switch stream.receive(seconds: ClientPolicy.replyTimeoutSeconds, spinMicroseconds: policy.spinMicroseconds) {
            case .replies(let replies)?:
                guard replies.replies.count == end - answered else {
                    throw ClientPolicy.Lost(
                        reason: "its replies are not the protocol's: \(replies.replies.count) replies to a batch of \(end - answered)",
                        peerClosed: false)
                }
                for reply in replies.replies {
                    answer(answered, value(of: reply))
                    answered += 1
                }
            case .ended(let reason, let peerClosed)?:
                throw ClientPolicy.Lost(reason: reason, peerClosed: peerClosed)
            case nil:
                throw ClientPolicy.Lost(reason: "no reply within \(ClientPolicy.replyTimeoutSeconds) s", peerClosed: false)
            }
        }
    }

    /// A reply as the language sees it.
    func value(of reply: Complex_V1_ComputeReply) -> Result<Value, OperationError> {
        do throws(WireError) {
            switch try reply.wireResponse() {
            case .result(let value): return .success(value)
            case .failure(let code, let message): return .failure(code.operationError(message: message))
            }
        } catch {
            return .failure(.backendFailure("\(Self.registryName): complex-server at \(url) sent a reply that is not the protocol's (\(error.message))"))
        }
    }

    /// Opens the stream, once something listens at the address: the default one is
    /// started if nothing does, as `http` starts its server.
    func connect() throws(OperationError) {
        guard stream == nil else { return }
        let address = self.address
        // Only to see that something listens (and to start the server if not); the
        // probe's socket closes as it goes.
        _ = try ServerLauncher.connectOrStart(
            backend: Self.registryName, address: url, isDefault: isDefault,
            serverArguments: ["--no-socket", "--no-http", "--grpc", address.description], configuration: configuration
        ) { () throws(BlockingStream.Failure) in
            try BlockingStream.connect(host: address.host, port: address.port, timeoutSeconds: ClientPolicy.replyTimeoutSeconds)
        }
        do {
            stream = try GRPCStream(address: address, authorization: authorization)
        } catch {
            throw .backendFailure("\(Self.registryName): cannot call complex-server at \(url): \(error)")
        }
    }

    func disconnect() {
        stream?.close()
        stream = nil
    }

    deinit {
        disconnect()
    }
}
