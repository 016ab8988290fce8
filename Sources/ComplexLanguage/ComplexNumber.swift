/// A complex number as CPython stores it: two IEEE doubles. `==` compares values, as
/// IEEE does (`-0.0 == 0.0`, NaN differs from itself); `isIdentical` compares bits.
///
/// swift-numerics' `Complex` folds every non-finite value into one infinity, which
/// would lose the `(inf+nanj)` results CPython prints, so values travel in this type.
public struct ComplexNumber: Sendable, Hashable {
    public var re: Double
    public var im: Double

    @inlinable
    public init(_ re: Double, _ im: Double) {
        self.re = re
        self.im = im
    }

    /// True when both parts are finite.
    @inlinable
    public var isFinite: Bool { re.isFinite && im.isFinite }

    /// Bitwise identity, so that `-0.0` differs from `0.0` and NaN equals NaN.
    public func isIdentical(to other: ComplexNumber) -> Bool {
        re.bitPattern == other.re.bitPattern && im.bitPattern == other.im.bitPattern
    }
}
