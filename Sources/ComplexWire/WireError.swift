import ComplexLanguage

/// A failure the wire protocols report: its `code` is the stable name in
/// docs/PROTOCOL.md, shared by the socket and HTTP transports.
package enum WireError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request is not valid JSON, or not a JSON object.
    case badJSON(String)
    /// Missing or ill-typed fields, or the wrong number of operands.
    case badArguments(String)
    /// No operation by that name.
    case unknownOperation(String)
    /// The operation itself failed (division by zero, domain error, ...).
    case operation(OperationError)
    /// A socket request line longer than the limit; the connection is closed.
    case lineTooLong(limit: Int)
    /// An HTTP body longer than the limit.
    case bodyTooLarge(limit: Int)
    /// A reply, well-formed or not, that cannot be the answer to the request it came
    /// back for (a client's finding: a wrong id, a status its body contradicts).
    case notTheProtocol(String)

    package var errorCode: WireErrorCode {
        switch self {
        case .badJSON: return .badJSON
        case .badArguments: return .badArguments
        case .unknownOperation: return .unknownOperation
        case .operation(let error): return WireErrorCode(error)
        case .lineTooLong: return .lineTooLong
        case .bodyTooLarge: return .bodyTooLarge
        case .notTheProtocol: return .backendFailure
        }
    }


    package var message: String {
        switch self {
        case .badJSON(let m): return "bad JSON: \(m)"
        case .badArguments(let m), .unknownOperation(let m), .notTheProtocol(let m): return m
        case .operation(let error): return error.message
        case .lineTooLong(let limit): return "request line longer than \(limit) bytes; the connection is closed"
        case .bodyTooLarge(let limit): return "request body longer than \(limit) bytes"
        }
    }

    package var description: String { "\(errorCode.spelling): \(message)" }
}
