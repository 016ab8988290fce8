import ComplexGRPC
import GRPCCore

/// Refuses every RPC whose `authorization` metadata does not carry the server's token
/// (`Bearer TOKEN`, the rule HTTP's header follows: `BearerToken`), with
/// UNAUTHENTICATED, before its handler runs.
struct TokenInterceptor: ServerInterceptor {
    let expected: [UInt8]
    let metrics: ServerMetrics.Transport

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let given = request.metadata[stringValues: GRPCContract.authorizationKey].first { _ in true }
        guard let given, BearerToken.matches(Array(given.utf8), expected) else {
            metrics.error(.unauthorized)
            throw RPCError(code: .unauthenticated, message: "missing or wrong authorization: Bearer token metadata")
        }
        return try await next(request, context)
    }
}
