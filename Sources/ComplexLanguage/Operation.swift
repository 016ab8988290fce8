/// Every operation of the language, by its wire name.
///
/// The evaluator, the server's routes, the socket protocol and the FFI ABI all name
/// operations with this type, so an operation added here reaches all of them.
public enum Operation: String, CaseIterable, Sendable {
    case add, sub, mul, div, pow, neg
    case abs, arg, conj, re, im
    case sqrt, exp, log, log10
    case sin, cos, tan, asin, acos, atan
    case sinh, cosh, tanh

    /// How many operands the operation takes (1 or 2).
    @inlinable
    public var arity: Int {
        switch self {
        case .add, .sub, .mul, .div, .pow: return 2
        default: return 1
        }
    }

    /// True for operations written as a call, `sqrt(x)`, rather than an operator.
    @inlinable
    public var isFunction: Bool {
        switch self {
        case .add, .sub, .mul, .div, .pow, .neg: return false
        default: return true
        }
    }

    /// True when the result is real whatever the operand (`abs`, `arg`, `re`, `im`):
    /// transports that carry only complex numbers use it to restore the result's kind.
    @inlinable
    public var alwaysReal: Bool {
        switch self {
        case .abs, .arg, .re, .im: return true
        default: return false
        }
    }

    /// How the operation is written in an expression, for messages.
    public var spelling: String {
        switch self {
        case .add: return "+"
        case .sub: return "-"
        case .mul: return "*"
        case .div: return "/"
        case .pow: return "**"
        case .neg: return "unary -"
        default: return rawValue + "()"
        }
    }

    /// The position in `allCases`, for tables indexed by operation.
    public var index: Int { Self.indices[self]! }
    static let indices: [Operation: Int] = Dictionary(uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })

    /// The names callable as functions in the language, in declaration order.
    public static let functionNames: [String] = allCases.filter(\.isFunction).map(\.rawValue)

    /// The function named `name`, if the language has one.
    public static func function(named name: String) -> Operation? {
        guard let op = Operation(rawValue: name), op.isFunction else { return nil }
        return op
    }
}
