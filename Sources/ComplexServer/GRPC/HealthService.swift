import ComplexGRPC
import GRPCCore

/// grpc.health.v1.Health, the standard health checks: the server ("") and
/// complex.v1.Calculator are SERVING until the server begins to stop, NOT_SERVING after.
struct HealthService: Grpc_Health_V1_Health.SimpleServiceProtocol {
    let serving: ServingState

    typealias Status = Grpc_Health_V1_HealthCheckResponse.ServingStatus

    func status(of service: String) -> Status? {
        guard GRPCContract.healthServices.contains(service) else { return nil }
        return serving.isStopping ? .notServing : .serving
    }

    func check(request: Grpc_Health_V1_HealthCheckRequest, context: ServerContext) async throws -> Grpc_Health_V1_HealthCheckResponse {
        guard let status = status(of: request.service) else {
            throw RPCError(code: .notFound, message: "no service \"\(request.service)\" here; there are \"\" and \"complex.v1.Calculator\"")
        }
        return Self.response(status)
    }

    /// The status now, then each change (the one there is: NOT_SERVING when the server
    /// begins to stop), until the client cancels or the server closes the stream.
    func watch(
        request: Grpc_Health_V1_HealthCheckRequest,
        response: RPCWriter<Grpc_Health_V1_HealthCheckResponse>,
        context: ServerContext
    ) async throws {
        guard let status = status(of: request.service) else {
            try await response.write(Self.response(.serviceUnknown))
            try await Task.sleep(for: .seconds(Int64.max / 1_000_000_000_000))
            return
        }
        try await response.write(Self.response(status))
        guard status == .serving else { return }
        await serving.waitUntilStopping()
        if !Task.isCancelled { try await response.write(Self.response(.notServing)) }
    }

    static func response(_ status: Status) -> Grpc_Health_V1_HealthCheckResponse {
        var response = Grpc_Health_V1_HealthCheckResponse()
        response.status = status
        return response
    }
}
