import ComplexGRPC
import GRPCCore

/// Holds a unary call to the request deadline the other listeners have
/// (`ServerConfiguration.requestTimeoutSeconds`): its message must arrive, and its
/// reply be ready, within it, or the call ends with DEADLINE_EXCEEDED. grpc-swift
/// receives a unary call's one message inside `next`, so a client that opens a call and
/// trickles its message, or never sends it, is cut here. Streams are held to their idle
/// deadline instead (`CalculatorService.computeStream`), since their replies are
/// produced after `next` returns.
struct DeadlineInterceptor: ServerInterceptor {
    let seconds: Double

    /// The unary methods, by name: a call's descriptor comes from its path, without
    /// the method's type.
    static let unaryMethods: Set<String> = [
        Complex_V1_Calculator.Method.Compute.descriptor.fullyQualifiedMethod,
        Grpc_Health_V1_Health.Method.Check.descriptor.fullyQualifiedMethod,
    ]

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        guard Self.unaryMethods.contains(context.descriptor.fullyQualifiedMethod) else { return try await next(request, context) }
        let seconds = self.seconds
        // The child tasks end within the group, so `next` does not outlive the call.
        return try await withoutActuallyEscaping(next) { next in
            try await withThrowingTaskGroup(of: StreamingServerResponse<Output>?.self) { group in
                group.addTask { try await next(request, context) }
                group.addTask {
                    try await Task.sleep(for: .seconds(seconds))
                    return nil
                }
                defer { group.cancelAll() }
                guard let response = try await group.next()! else {
                    throw RPCError(code: .deadlineExceeded, message: "the request did not arrive within \(seconds) s")
                }
                return response
            }
        }
    }
}
