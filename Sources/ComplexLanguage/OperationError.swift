/// Why an operation produced no value. The `code` strings are the wire protocol's
/// error codes (docs/PROTOCOL.md), shared by every backend and the server.
public enum OperationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Division by zero, or zero raised to a negative or complex power.
    case divisionByZero(String)
    /// The operand is outside the function's domain, e.g. `log(0)`.
    case domainError(String)
    /// A finite operand gave a result too large for a double, e.g. `exp(1000)`.
    case overflow(String)
    /// The operation was given the wrong number or kinds of operands.
    case badArguments(String)
    /// The backend cannot compute this operation (e.g. a foreign FFI library lacks it).
    case unsupported(String)
    /// The backend could not be reached or answered nonsense; the message says how to fix it.
    case backendFailure(String)

    /// The stable, machine-readable name of the error.
    public var code: String {
        switch self {
        case .divisionByZero: return "division_by_zero"
        case .domainError: return "domain_error"
        case .overflow: return "overflow"
        case .badArguments: return "bad_arguments"
        case .unsupported: return "unknown_operation"
        case .backendFailure: return "backend_failure"
        }
    }

    /// The human-readable message.
    public var message: String {
        switch self {
        case .divisionByZero(let m), .domainError(let m), .overflow(let m),
             .badArguments(let m), .unsupported(let m), .backendFailure(let m):
            return m
        }
    }

    public var description: String { message }

    /// Rebuilds an error received over a wire from its code and message.
    public init(code: String, message: String) {
        switch code {
        case "division_by_zero": self = .divisionByZero(message)
        case "domain_error": self = .domainError(message)
        case "overflow": self = .overflow(message)
        case "bad_arguments": self = .badArguments(message)
        case "unknown_operation": self = .unsupported(message)
        default: self = .backendFailure("\(message) (\(code))")
        }
    }
}
