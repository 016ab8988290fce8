import ComplexWire
import GRPCCore

extension WireErrorCode {
    /// The gRPC status of a unary call refused with this code: the one table of them.
    /// Operation errors are answers (status OK, the error in the reply), so they have
    /// none; nor do codes of the other transports' framing, which gRPC has no use for.
    package var grpcStatus: RPCError.Code? {
        switch self {
        case .badJSON, .badArguments, .badRequest: return .invalidArgument
        case .unknownOperation, .unsupportedOperation: return .unimplemented
        case .unauthorized: return .unauthenticated
        case .bodyTooLarge, .lineTooLong, .tooManyConnections, .tooManyChannels: return .resourceExhausted
        case .divisionByZero, .domainError, .overflow, .notFound, .methodNotAllowed, .backendFailure, .unrecognized:
            return nil
        }
    }
}
