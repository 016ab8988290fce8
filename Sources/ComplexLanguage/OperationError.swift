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

    /// Which failure it is, without its message: what the wire protocols, the shm slots
    /// and the FFI ABI number (`FailureTable` in ComplexWire holds every numbering).
    public enum Kind: CaseIterable, Sendable {
        case divisionByZero, domainError, overflow, badArguments, unsupported, backendFailure
    }

    /// Which failure this is.
    public var kind: Kind {
        switch self {
        case .divisionByZero: return .divisionByZero
        case .domainError: return .domainError
        case .overflow: return .overflow
        case .badArguments: return .badArguments
        case .unsupported: return .unsupported
        case .backendFailure: return .backendFailure
        }
    }

    /// The failure of kind `kind` with `message`.
    public init(_ kind: Kind, message: String) {
        switch kind {
        case .divisionByZero: self = .divisionByZero(message)
        case .domainError: self = .domainError(message)
        case .overflow: self = .overflow(message)
        case .badArguments: self = .badArguments(message)
        case .unsupported: self = .unsupported(message)
        case .backendFailure: self = .backendFailure(message)
        }
    }
}
