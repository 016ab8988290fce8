/// A result of the language: a real number or a complex one, as in Python's numeric tower.
///
/// An operation on reals gives a real (float arithmetic), an operation with a complex
/// operand gives a complex; functions of a real that leave the real line (`sqrt(-1)`,
/// `log(-1)`) give a complex.
public enum Value: Sendable, Hashable {
    case real(Double)
    case complex(ComplexNumber)

    /// The value promoted to complex the way CPython 3.11 promotes a float: `x+0j`.
    @inlinable
    public var complexValue: ComplexNumber {
        switch self {
        case .real(let x): return ComplexNumber(x, 0)
        case .complex(let z): return z
        }
    }

    @inlinable
    public var isReal: Bool {
        if case .real = self { return true }
        return false
    }

    /// Bitwise identity (distinguishes `-0.0`, matches NaN with NaN).
    public func isIdentical(to other: Value) -> Bool {
        switch (self, other) {
        case (.real(let a), .real(let b)): return a.bitPattern == b.bitPattern
        case (.complex(let a), .complex(let b)): return a.isIdentical(to: b)
        default: return false
        }
    }
}
