/// Why an operation produced no value.
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

    /// The human-readable message.
    public var message: String {
        switch self {
        case .divisionByZero(let m), .domainError(let m), .overflow(let m),
             .badArguments(let m), .unsupported(let m), .backendFailure(let m):
            return m
        }
    }

    public var description: String { message }
}
