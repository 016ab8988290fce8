import ComplexLanguage

/// The protocol's error codes (docs/PROTOCOL.md, whose table `ProtocolDocumentTests`
/// checks against this enum): each code is spelled here and nowhere else, with the
/// HTTP status of a response that carries it.
package enum WireErrorCode: String, CaseIterable, Sendable {
    case badJSON = "bad_json"
    case badArguments = "bad_arguments"
    case unknownOperation = "unknown_operation"
    case divisionByZero = "division_by_zero"
    case domainError = "domain_error"
    case overflow
    case lineTooLong = "line_too_long"
    case bodyTooLarge = "body_too_large"
    case notFound = "not_found"
    case methodNotAllowed = "method_not_allowed"
    case unauthorized
    case badRequest = "bad_request"
    case tooManyConnections = "too_many_connections"
    /// (socket only) A shm channel was asked for while the server has its most open.
    case tooManyChannels = "too_many_channels"
    /// The clients' own code, never sent by the server: no server answered, or it
    /// answered something that is not the protocol.
    case backendFailure = "backend_failure"

    /// The HTTP status of a response with this code; nil for a code HTTP never carries.
    package var httpStatus: Int? {
        switch self {
        case .badJSON, .badArguments, .badRequest: return 400
        case .unauthorized: return 401
        case .unknownOperation, .notFound: return 404
        case .methodNotAllowed: return 405
        case .bodyTooLarge: return 413
        case .divisionByZero, .domainError, .overflow: return 422
        case .tooManyConnections: return 503
        case .lineTooLong, .tooManyChannels, .backendFailure: return nil
        }
    }

    /// The code of a failed operation.
    package init(_ error: OperationError) {
        switch error {
        case .divisionByZero: self = .divisionByZero
        case .domainError: self = .domainError
        case .overflow: self = .overflow
        case .badArguments: self = .badArguments
        case .unsupported: self = .unknownOperation
        case .backendFailure: self = .backendFailure
        }
    }

    /// A failure received over a wire, as the language sees it: the operation's own
    /// error for its codes, a backend failure (naming the code) for any other.
    package static func operationError(code: String, message: String) -> OperationError {
        switch WireErrorCode(rawValue: code) {
        case .divisionByZero: return .divisionByZero(message)
        case .domainError: return .domainError(message)
        case .overflow: return .overflow(message)
        case .badArguments: return .badArguments(message)
        case .unknownOperation: return .unsupported(message)
        default: return .backendFailure("\(message) (\(code))")
        }
    }
}

extension WireResponse {
    /// A failure with one of the protocol's codes.
    package static func failure(_ code: WireErrorCode, message: String) -> WireResponse {
        .failure(code: code.rawValue, message: message)
    }
}
