/// Every operation of the language, by its wire name.
///
/// The evaluator, the server's routes, the socket protocol and the FFI ABI all name
/// operations with this type, so an operation added here reaches all of them.
public enum MathOperation: String, CaseIterable, Sendable {
    case add, sub, mul, div, pow, neg
    case abs, arg, conj, re, im
    case sqrt, exp, log, log10
    case sin, cos, tan, asin, acos, atan
    case sinh, cosh, tanh
    case asinh, acosh, atanh
    /// `rect(r, phi)`: from polar coordinates.
    case rect
    /// `complex(re[, im])`: Python's constructor, which reaches values no literal can
    /// write (`complex(1, nan)`, `complex(-0.0, 0.0)`).
    case complex

    /// How many operands the operation takes: 1, 2, or 1 to 2 (`log(z[, base])`,
    /// `complex(re[, im])`).
    @inlinable
    public var arity: ClosedRange<Int> {
        switch self {
        case .add, .sub, .mul, .div, .pow, .rect: return 2...2
        case .log, .complex: return 1...2
        default: return 1...1
        }
    }

    /// The arity as a call's error message says it: `1`, `2` or `1 or 2`.
    public var aritySpelling: String {
        arity.lowerBound == arity.upperBound ? "\(arity.lowerBound)" : "\(arity.lowerBound) or \(arity.upperBound)"
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

    /// True when every operand must be real: `rect(r, phi)` takes a modulus and a phase.
    @inlinable
    public var takesRealOperandsOnly: Bool { self == .rect }

    /// True when the result is complex whatever the operands (`rect`, `complex`).
    @inlinable
    public var alwaysComplex: Bool {
        switch self {
        case .rect, .complex: return true
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

    /// The position in `allCases`, for tables indexed by operation (a switch, not a
    /// lookup: the FFI backend asks once per operation).
    @inlinable
    public var index: Int {
        switch self {
        case .add: return 0
        case .sub: return 1
        case .mul: return 2
        case .div: return 3
        case .pow: return 4
        case .neg: return 5
        case .abs: return 6
        case .arg: return 7
        case .conj: return 8
        case .re: return 9
        case .im: return 10
        case .sqrt: return 11
        case .exp: return 12
        case .log: return 13
        case .log10: return 14
        case .sin: return 15
        case .cos: return 16
        case .tan: return 17
        case .asin: return 18
        case .acos: return 19
        case .atan: return 20
        case .sinh: return 21
        case .cosh: return 22
        case .tanh: return 23
        case .asinh: return 24
        case .acosh: return 25
        case .atanh: return 26
        case .rect: return 27
        case .complex: return 28
        }
    }

    /// Other names the language accepts for a function: `phase` is cmath's name for `arg`.
    public static let aliases: [String: MathOperation] = ["phase": .arg]

    /// The names callable as functions in the language: the operations in declaration
    /// order, then the aliases.
    public static let functionNames: [String] = allCases.filter(\.isFunction).map(\.rawValue) + aliases.keys.sorted()

    /// The function named `name`, if the language has one.
    public static func function(named name: String) -> MathOperation? {
        if let op = MathOperation(rawValue: name), op.isFunction { return op }
        return aliases[name]
    }
}
