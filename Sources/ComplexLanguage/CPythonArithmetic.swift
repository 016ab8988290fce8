#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CPython's complex and float arithmetic (Objects/complexobject.c, floatobject.c),
/// ported so that results agree with CPython bit for bit.
///
/// swift-numerics' multiply already agrees, but its divide does not (it rescales
/// differently), so both are written out here from CPython's algorithms.
public enum CPythonArithmetic {
    /// `_Py_c_prod`: the textbook formula.
    @inlinable
    public static func product(_ a: ComplexNumber, _ b: ComplexNumber) -> ComplexNumber {
        ComplexNumber(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
    }

    /// `_Py_c_quot`: Smith's method, dividing through by the larger divisor part.
    /// Returns nil when the divisor is zero.
    @inlinable
    public static func quotient(_ a: ComplexNumber, _ b: ComplexNumber) -> ComplexNumber? {
        let absBre = b.re < 0 ? -b.re : b.re
        let absBim = b.im < 0 ? -b.im : b.im
        if absBre >= absBim {
            if absBre == 0 { return nil }
            let ratio = b.im / b.re
            let denom = b.re + b.im * ratio
            return ComplexNumber((a.re + a.im * ratio) / denom, (a.im - a.re * ratio) / denom)
        } else if absBim >= absBre {
            let ratio = b.re / b.im
            let denom = b.re * ratio + b.im
            return ComplexNumber((a.re * ratio + a.im) / denom, (a.im * ratio - a.re) / denom)
        } else {
            // At least one divisor part is NaN.
            return ComplexNumber(.nan, .nan)
        }
    }

    /// `complex_pow`: repeated squaring for small integer exponents, polar form otherwise.
    /// Returns nil for zero raised to a negative or complex power.
    public static func power(_ a: ComplexNumber, _ b: ComplexNumber) -> ComplexNumber? {
        if b.im == 0, b.re == b.re.rounded(.down), Swift.abs(b.re) <= 100 {
            let n = Int(b.re)
            if n > 0 { return unsignedPower(a, n) }
            return quotient(ComplexNumber(1, 0), unsignedPower(a, -n))
        }
        return generalPower(a, b)
    }

    /// `c_powu`.
    static func unsignedPower(_ x: ComplexNumber, _ n: Int) -> ComplexNumber {
        var r = ComplexNumber(1, 0)
        var p = x
        var mask = 1
        while mask > 0 && n >= mask {
            if n & mask != 0 { r = product(r, p) }
            mask <<= 1
            p = product(p, p)
        }
        return r
    }

    /// `_Py_c_pow`.
    static func generalPower(_ a: ComplexNumber, _ b: ComplexNumber) -> ComplexNumber? {
        if b.re == 0 && b.im == 0 { return ComplexNumber(1, 0) }
        if a.re == 0 && a.im == 0 {
            if b.im != 0 || b.re < 0 { return nil }
            return ComplexNumber(0, 0)
        }
        let vabs = hypot(a.re, a.im)
        var len = pow(vabs, b.re)
        let at = atan2(a.im, a.re)
        var phase = at * b.re
        if b.im != 0 {
            len /= exp(at * b.im)
            phase += b.im * log(vabs)
        }
        return ComplexNumber(len * cos(phase), len * sin(phase))
    }

    /// `float_pow`, except that overflow gives `inf` (CPython raises OverflowError).
    /// `.complex` when a negative base meets a fractional exponent, as in Python 3.
    public static func realPower(_ x: Double, _ y: Double) -> Value? {
        if x == 0 && y < 0 { return nil }
        if x < 0 && y.isFinite && y != y.rounded(.down) {
            return power(ComplexNumber(x, 0), ComplexNumber(y, 0)).map(Value.complex)
        }
        return .real(pow(x, y))
    }
}
