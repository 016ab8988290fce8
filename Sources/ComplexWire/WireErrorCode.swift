import ComplexLanguage

/// The protocol's error codes (docs/PROTOCOL.md, whose table `ProtocolDocumentTests`
/// checks against this enum): each code is spelled here and nowhere else, with the
/// HTTP status of a response that carries it. A code this build does not know, as a
/// newer peer may send, is kept as `unrecognized`.
package enum WireErrorCode: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case badJSON
    case badArguments
    case unknownOperation
    case divisionByZero
    case domainError
    case overflow
    case lineTooLong
    case bodyTooLarge
    case notFound
    case methodNotAllowed
    case unauthorized
    case badRequest
    case tooManyConnections
    /// (socket only) A shm channel was asked for while the server has its most open.
    case tooManyChannels
    /// A peer that implements only some operations (a stdio worker) does not implement
    /// this one; complex-server implements them all and never sends it.
    case unsupportedOperation
    /// The clients' own code, never sent by the server: no server answered, or it
    /// answered something that is not the protocol.
    case backendFailure
    /// A code that is none of the above: a newer peer's.
    case unrecognized(String)

    /// Every code this build knows.
    package static let allCases: [WireErrorCode] = [
        .badJSON, .badArguments, .unknownOperation, .divisionByZero, .domainError, .overflow, .lineTooLong,
        .bodyTooLarge, .notFound, .methodNotAllowed, .unauthorized, .badRequest, .tooManyConnections,
        .tooManyChannels, .unsupportedOperation, .backendFailure,
    ]

    /// The code as it travels.
    package var spelling: String {
        switch self {
        case .badJSON: return "bad_json"
        case .badArguments: return "bad_arguments"
        case .unknownOperation: return "unknown_operation"
        case .divisionByZero: return "division_by_zero"
        case .domainError: return "domain_error"
        case .overflow: return "overflow"
        case .lineTooLong: return "line_too_long"
        case .bodyTooLarge: return "body_too_large"
        case .notFound: return "not_found"
        case .methodNotAllowed: return "method_not_allowed"
        case .unauthorized: return "unauthorized"
        case .badRequest: return "bad_request"
        case .tooManyConnections: return "too_many_connections"
        case .tooManyChannels: return "too_many_channels"
        case .unsupportedOperation: return "unsupported_operation"
        case .backendFailure: return "backend_failure"
        case .unrecognized(let spelling): return spelling
        }
    }

    package var description: String { spelling }

    /// The code spelled `spelling`: a known one, or `unrecognized`.
    package init(spelling: String) {
        self = Self.bySpelling[spelling] ?? .unrecognized(spelling)
    }

    static let bySpelling = Dictionary(uniqueKeysWithValues: allCases.map { ($0.spelling, $0) })

    /// True for the errors of a well-formed request whose operation failed (Python's
    /// ZeroDivisionError, ValueError, OverflowError): an answer, as a result is, where
    /// the other codes refuse the request.
    package var isOperationError: Bool {
        switch self {
        case .divisionByZero, .domainError, .overflow: return true
        default: return false
        }
    }

    /// The HTTP status of a response with this code; nil for a code HTTP never carries.
    package var httpStatus: Int? {
        switch self {
        case .badJSON, .badArguments, .badRequest: return 400
        case .unauthorized: return 401
        case .unknownOperation, .notFound: return 404
        case .methodNotAllowed: return 405
        case .bodyTooLarge: return 413
        case .divisionByZero, .domainError, .overflow: return 422
        case .unsupportedOperation: return 501
        case .tooManyConnections: return 503
        case .lineTooLong, .tooManyChannels, .backendFailure, .unrecognized: return nil
        }
    }

    /// The code of a failed operation.
    package init(_ error: OperationError) {
        self = FailureTable.row(error.kind).code
    }

    /// A failure received over a wire, as the language sees it: the operation's own
    /// error for its codes, a backend failure (naming the code) for any other.
    package func operationError(message: String) -> OperationError {
        // The language's `unsupported` travels as `unknown_operation` (FailureTable);
        // a partial peer's own code for it comes back as the same failure.
        if self == .unsupportedOperation { return .unsupported(message) }
        guard let kind = FailureTable.kind(code: self), kind != .backendFailure else {
            return .backendFailure("\(message) (\(spelling))")
        }
        return OperationError(kind, message: message)
    }
}

extension WireResponse {
    /// A failure with one of the protocol's codes.
    package static func failure(_ code: WireErrorCode, message: String) -> WireResponse {
        .failure(code: code, message: message)
    }
}
