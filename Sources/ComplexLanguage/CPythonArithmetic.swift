import Glibc

/// CPython's complex and float arithmetic (Objects/complexobject.c, floatobject.c),
/// ported so that results agree with CPython bit for bit.
///
/// swift-numerics' multiply already agrees, but its divide does not (it rescales
/// differently), so both are written out here from CPython's algorithms.
package enum CPythonArithmetic {
    /// `_Py_c_prod`: the textbook formula.
    @inlinable
    package static func product(_ a: ComplexNumber, _ b: ComplexNumber) -> ComplexNumber {
        ComplexNumber(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
    }

    /// `_Py_c_quot`: Smith's method, dividing through by the larger divisor part.
    /// Returns nil when the divisor is zero.
    @inlinable
    package static func quotient(_ a: ComplexNumber, _ b: ComplexNumber) -> ComplexNumber? {
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

    /// `complex_pow`: repeated squaring for small integer exponents, `_Py_c_pow`'s polar
    /// form otherwise, with the errors CPython derives from `errno`: zero to a negative
    /// or complex power, and overflow (any infinite part, `Py_ADJUST_ERANGE2`).
    package static func power(_ a: ComplexNumber, _ b: ComplexNumber) throws(OperationError) -> ComplexNumber {
        Glibc.errno = 0
        let p: ComplexNumber
        if b.im == 0 && b.re == floor(b.re) && Swift.abs(b.re) <= 100 {
            p = integerPower(a, Int(b.re))
        } else {
            p = generalPower(a, b)
        }
        var code = Glibc.errno
        if p.re.isInfinite || p.im.isInfinite {
            if code == 0 { code = ERANGE }
        } else if code == ERANGE {
            code = 0
        }
        if code == EDOM { throw .divisionByZero("zero cannot be raised to a negative or complex power") }
        if code == ERANGE { throw .overflow(powerOverflow) }
        return p
    }

    static let powerOverflow = "math range error: the power is too large"

    /// `c_powi`: a zero divisor sets `errno` to EDOM, as `_Py_c_quot` does.
    static func integerPower(_ x: ComplexNumber, _ n: Int) -> ComplexNumber {
        if n > 0 { return unsignedPower(x, n) }
        guard let q = quotient(ComplexNumber(1, 0), unsignedPower(x, -n)) else {
            Glibc.errno = EDOM
            return ComplexNumber(0, 0)
        }
        return q
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

    /// `_Py_c_pow`; the C library's functions leave their `errno` for `power` to read.
    static func generalPower(_ a: ComplexNumber, _ b: ComplexNumber) -> ComplexNumber {
        if b.re == 0 && b.im == 0 { return ComplexNumber(1, 0) }
        if a.re == 0 && a.im == 0 {
            if b.im != 0 || b.re < 0 { Glibc.errno = EDOM }
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

    /// `float_pow`: its special cases, then the C library's `pow`, whose overflow is an
    /// error as in CPython (`2.0**10000` raises OverflowError). A negative base with a
    /// fractional exponent gives a complex result, as in Python 3.
    package static func realPower(_ x: Double, _ y: Double) throws(OperationError) -> Value {
        if y == 0 { return .real(1) }  // even 0**0 and nan**0
        if x.isNaN { return .real(x) }
        if y.isNaN { return .real(x == 1 ? 1 : y) }
        if y.isInfinite {
            let magnitude = Swift.abs(x)
            if magnitude == 1 { return .real(1) }
            return .real((y > 0) == (magnitude > 1) ? Swift.abs(y) : 0)
        }
        if x.isInfinite {
            let odd = isOddInteger(y)
            if y > 0 { return .real(odd ? x : Swift.abs(x)) }
            return .real(odd ? Double(0).withSign(of: x) : 0)
        }
        if x == 0 {
            if y < 0 { throw .divisionByZero("zero cannot be raised to a negative power") }
            return .real(isOddInteger(y) ? x : 0)
        }
        var base = x
        var negate = false
        if x < 0 {
            if y != floor(y) {
                return .complex(try power(ComplexNumber(x, 0), ComplexNumber(y, 0)))
            }
            base = -x
            negate = isOddInteger(y)
        }
        if base == 1 { return .real(negate ? -1 : 1) }
        Glibc.errno = 0
        var result = pow(base, y)
        var code = Glibc.errno
        // _Py_ADJUST_ERANGE1
        if code == 0 {
            if result.isInfinite { code = ERANGE }
        } else if code == ERANGE && result == 0 {
            code = 0
        }
        if negate { result = -result }
        if code == ERANGE { throw .overflow(powerOverflow) }
        if code != 0 { throw .domainError("math domain error") }
        return .real(result)
    }

    /// `DOUBLE_IS_ODD_INTEGER`.
    @inline(__always)
    static func isOddInteger(_ x: Double) -> Bool { fmod(Swift.abs(x), 2) == 1 }
}
