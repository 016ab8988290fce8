import Glibc

/// CPython 3.11's `cmath` (Modules/cmathmodule.c), ported line by line so that every
/// function agrees with CPython bit for bit.
///
/// CPython computes with the C library's real functions (`atan2`, `log1p`, `hypot`,
/// `asinh` ...), and so does this port, through Glibc: the same functions on the same
/// machine give the same bits. Each C function reports a failure by leaving `errno` at
/// `EDOM` (ValueError) or `ERANGE` (OverflowError); here that is the `signal` argument,
/// which each function sets exactly where CPython sets `errno`.
package enum CMath {
    /// What a function left in C's `errno`, as CPython reads it afterwards.
    package enum Signal: Sendable {
        case none
        /// `EDOM`: CPython raises ValueError, "math domain error".
        case domain
        /// `ERANGE`: CPython raises OverflowError, "math range error".
        case range
    }

    // The constants of cmathmodule.c.
    static let largeDouble = Double.greatestFiniteMagnitude / 4   // CM_LARGE_DOUBLE
    static let sqrtLargeDouble = Glibc.sqrt(largeDouble)          // CM_SQRT_LARGE_DOUBLE
    static let logLargeDouble = Glibc.log(largeDouble)            // CM_LOG_LARGE_DOUBLE
    static let sqrtMinNormal = Glibc.sqrt(Double.leastNormalMagnitude) // CM_SQRT_DBL_MIN
    static let mantissaDigits: Int32 = 53                         // DBL_MANT_DIG
    static let scaleUp: Int32 = 2 * (53 / 2) + 1                  // CM_SCALE_UP
    static let scaleDown: Int32 = -(scaleUp + 1) / 2              // CM_SCALE_DOWN
    static let pi = 3.14159265358979323846                        // Py_MATH_PI
    static let e = 2.7182818284590452354                          // Py_MATH_E

    /// cmathmodule.c's `special_type`: the row or column of a special-value table.
    @inline(__always)
    static func specialType(_ d: Double) -> Int {
        if d.isFinite {
            if d != 0 { return d.sign == .plus ? 4 : 1 }
            return d.sign == .plus ? 3 : 2
        }
        if d.isNaN { return 6 }
        return d.sign == .plus ? 5 : 0
    }

    /// `table[special_type(z.real)][special_type(z.imag)]`.
    @inline(__always)
    static func special(_ table: [ComplexNumber], _ re: Double, _ im: Double) -> ComplexNumber {
        table[specialType(re) * 7 + specialType(im)]
    }

    /// z times -i, then back: the `f(z) = -i g(iz)` identities of asin, atan, sin and tan.
    @inline(__always)
    static func rotated(_ z: ComplexNumber, through g: (ComplexNumber, inout Signal) -> ComplexNumber, _ signal: inout Signal) -> ComplexNumber {
        let s = g(ComplexNumber(-z.im, z.re), &signal)
        return ComplexNumber(s.im, -s.re)
    }

    package static func acos(_ z: ComplexNumber, _ signal: inout Signal) -> ComplexNumber {
        if !z.isFinite {
            signal = .none
            return special(SpecialValues.acos, z.re, z.im)
        }
        var r = ComplexNumber(0, 0)
        if Swift.abs(z.re) > largeDouble || Swift.abs(z.im) > largeDouble {
            // avoid unnecessary overflow for large arguments
            r.re = atan2(Swift.abs(z.im), z.re)
            r.im = -(Glibc.log(hypot(z.re / 2, z.im / 2)) + M_LN2 * 2).withSign(of: z.im)
        } else {
            let s1 = sqrt(ComplexNumber(1 - z.re, -z.im), &signal)
            let s2 = sqrt(ComplexNumber(1 + z.re, z.im), &signal)
            r.re = 2 * atan2(s1.re, s2.re)
            r.im = Glibc.asinh(s2.re * s1.im - s2.im * s1.re)
        }
        signal = .none
        return r
    }

    package static func acosh(_ z: ComplexNumber, _ signal: inout Signal) -> ComplexNumber {
        if !z.isFinite {
            signal = .none
            return special(SpecialValues.acosh, z.re, z.im)
        }
        var r = ComplexNumber(0, 0)
        if Swift.abs(z.re) > largeDouble || Swift.abs(z.im) > largeDouble {
            r.re = Glibc.log(hypot(z.re / 2, z.im / 2)) + M_LN2 * 2
            r.im = atan2(z.im, z.re)
        } else {
            let s1 = sqrt(ComplexNumber(z.re - 1, z.im), &signal)
            let s2 = sqrt(ComplexNumber(z.re + 1, z.im), &signal)
            r.re = Glibc.asinh(s1.re * s2.re + s1.im * s2.im)
            r.im = 2 * atan2(s1.im, s2.re)
        }
        signal = .none
        return r
    }

    /// asin(z) = -i asinh(iz)
    package static func asin(_ z: ComplexNumber, _ signal: inout Signal) -> ComplexNumber {
        rotated(z, through: asinh, &signal)
    }

    package static func asinh(_ z: ComplexNumber, _ signal: inout Signal) -> ComplexNumber {
        if !z.isFinite {
            signal = .none
            return special(SpecialValues.asinh, z.re, z.im)
        }
        var r = ComplexNumber(0, 0)
        if Swift.abs(z.re) > largeDouble || Swift.abs(z.im) > largeDouble {
            if z.im >= 0 {
                r.re = (Glibc.log(hypot(z.re / 2, z.im / 2)) + M_LN2 * 2).withSign(of: z.re)
            } else {
                r.re = -(Glibc.log(hypot(z.re / 2, z.im / 2)) + M_LN2 * 2).withSign(of: -z.re)
            }
            r.im = atan2(z.im, Swift.abs(z.re))
        } else {
            let s1 = sqrt(ComplexNumber(1 + z.im, -z.re), &signal)
            let s2 = sqrt(ComplexNumber(1 - z.im, z.re), &signal)
            r.re = Glibc.asinh(s1.re * s2.im - s2.re * s1.im)
            r.im = atan2(z.im, s1.re * s2.re - s1.im * s2.im)
        }
        signal = .none
        return r
    }

    /// atan(z) = -i atanh(iz)
    package static func atan(_ z: ComplexNumber, _ signal: inout Signal) -> ComplexNumber {
        rotated(z, through: atanh, &signal)
    }

    package static func atanh(_ z: ComplexNumber, _ signal: inout Signal) -> ComplexNumber {
        if !z.isFinite {
            signal = .none
            return special(SpecialValues.atanh, z.re, z.im)
        }
        // Reduce to the case z.re >= 0, using atanh(z) = -atanh(-z).
        if z.re < 0 {
            let r = atanh(ComplexNumber(-z.re, -z.im), &signal)
            return ComplexNumber(-r.re, -r.im)
        }
        var r = ComplexNumber(0, 0)
        let ay = Swift.abs(z.im)
        if z.re > sqrtLargeDouble || ay > sqrtLargeDouble {
            // atanh(z) ~ 1/z ± iπ/2 for large |z|
            let h = hypot(z.re / 2, z.im / 2)  // safe from overflow
            r.re = z.re / 4 / h / h
            r.im = (pi / 2).withSign(of: z.im)
            signal = .none
        } else if z.re == 1 && ay < sqrtMinNormal {
            // C99: atanh(1 ± 0i) is inf ± 0i
            if ay == 0 {
                r.re = .infinity
                r.im = z.im
                signal = .domain
            } else {
                r.re = -Glibc.log(Glibc.sqrt(ay) / Glibc.sqrt(hypot(ay, 2)))
                r.im = (atan2(2, -ay) / 2).withSign(of: z.im)
                signal = .none
            }
        } else {
            r.re = log1p(4 * z.re / ((1 - z.re) * (1 - z.re) + ay * ay)) / 4
            r.im = -atan2(-2 * z.im, (1 - z.re) * (1 + z.re) - ay * ay) / 2
            signal = .none
        }
        return r
    }

    /// cos(z) = cosh(iz)
    package static func cos(_ z: ComplexNumber, _ signal: inout Signal) -> ComplexNumber {
        cosh(ComplexNumber(-z.im, z.re), &signal)
    }

    package static func cosh(_ z: ComplexNumber, _ signal: inout Signal) -> ComplexNumber {
        var r = ComplexNumber(0, 0)
        if !z.isFinite {
            if z.re.isInfinite && z.im.isFinite && z.im != 0 {
                if z.re > 0 {
                    r.re = Double.infinity.withSign(of: Glibc.cos(z.im))
                    r.im = Double.infinity.withSign(of: Glibc.sin(z.im))
                } else {
                    r.re = Double.infinity.withSign(of: Glibc.cos(z.im))
                    r.im = -Double.infinity.withSign(of: Glibc.sin(z.im))
                }
            } else {
                r = special(SpecialValues.cosh, z.re, z.im)
            }
            signal = z.im.isInfinite && !z.re.isNaN ? .domain : .none
            return r
        }
        if Swift.abs(z.re) > logLargeDouble {
            // cosh(z.re) overflows where cosh(z) need not
            let xMinusOne = z.re - Double(1).withSign(of: z.re)
            r.re = Glibc.cos(z.im) * Glibc.cosh(xMinusOne) * e
            r.im = Glibc.sin(z.im) * Glibc.sinh(xMinusOne) * e
        } else {
            r.re = Glibc.cos(z.im) * Glibc.cosh(z.re)
            r.im = Glibc.sin(z.im) * Glibc.sinh(z.re)
        }
        signal = r.re.isInfinite || r.im.isInfinite ? .range : .none
        return r
    }

    package static func exp(_ z: ComplexNumber, _ signal: inout Signal) -> ComplexNumber {
        var r = ComplexNumber(0, 0)
        if !z.isFinite {
            if z.re.isInfinite && z.im.isFinite && z.im != 0 {
                if z.re > 0 {
                    r.re = Double.infinity.withSign(of: Glibc.cos(z.im))
                    r.im = Double.infinity.withSign(of: Glibc.sin(z.im))
                } else {
                    r.re = Double(0).withSign(of: Glibc.cos(z.im))
                    r.im = Double(0).withSign(of: Glibc.sin(z.im))
                }
            } else {
                r = special(SpecialValues.exp, z.re, z.im)
            }
            signal = z.im.isInfinite && (z.re.isFinite || (z.re.isInfinite && z.re > 0)) ? .domain : .none
            return r
        }
        if z.re > logLargeDouble {
            let l = Glibc.exp(z.re - 1)
            r.re = l * Glibc.cos(z.im) * e
            r.im = l * Glibc.sin(z.im) * e
        } else {
            let l = Glibc.exp(z.re)
            r.re = l * Glibc.cos(z.im)
            r.im = l * Glibc.sin(z.im)
        }
        signal = r.re.isInfinite || r.im.isInfinite ? .range : .none
        return r
    }

    /// `c_log`: rescales where |z| is subnormal or beyond the largest double, and uses
    /// log1p where |z| is near 1 (cmathmodule.c explains each case).
    package static func log(_ z: ComplexNumber, _ signal: inout Signal) -> ComplexNumber {
        if !z.isFinite {
            signal = .none
            return special(SpecialValues.log, z.re, z.im)
        }
        var r = ComplexNumber(0, 0)
        let ax = Swift.abs(z.re), ay = Swift.abs(z.im)
        if ax > largeDouble || ay > largeDouble {
            r.re = Glibc.log(hypot(ax / 2, ay / 2)) + M_LN2
        } else if ax < Double.leastNormalMagnitude && ay < Double.leastNormalMagnitude {
            if ax > 0 || ay > 0 {
                // hypot(ax, ay) would be subnormal
                r.re = Glibc.log(hypot(ldexp(ax, mantissaDigits), ldexp(ay, mantissaDigits))) - Double(mantissaDigits) * M_LN2
            } else {
                // log(±0 ± 0i)
                r.re = -.infinity
                r.im = atan2(z.im, z.re)
                signal = .domain
                return r
            }
        } else {
            let h = hypot(ax, ay)
            if 0.71 <= h && h <= 1.73 {
                let am = ax > ay ? ax : ay
                let an = ax > ay ? ay : ax
                r.re = log1p((am - 1) * (am + 1) + an * an) / 2
            } else {
                r.re = Glibc.log(h)
            }
        }
        r.im = atan2(z.im, z.re)
        signal = .none
        return r
    }

    package static func log10(_ z: ComplexNumber, _ signal: inout Signal) -> ComplexNumber {
        let r = log(z, &signal)
        return ComplexNumber(r.re / M_LN10, r.im / M_LN10)
    }

    /// `cmath.log(z, base)`: the second `c_log` overwrites the first one's errno, so
    /// `log(0, 2)` is `(-inf+nanj)`, not an error, exactly as in CPython.
    package static func log(_ z: ComplexNumber, base: ComplexNumber, _ signal: inout Signal) -> ComplexNumber {
        let x = log(z, &signal)
        let y = log(base, &signal)
        guard let q = CPythonArithmetic.quotient(x, y) else {
            signal = .domain  // _Py_c_quot's errno for a zero divisor
            return ComplexNumber(0, 0)
        }
        return q
    }

    /// sin(z) = -i sinh(iz)
    package static func sin(_ z: ComplexNumber, _ signal: inout Signal) -> ComplexNumber {
        rotated(z, through: sinh, &signal)
    }

    package static func sinh(_ z: ComplexNumber, _ signal: inout Signal) -> ComplexNumber {
        var r = ComplexNumber(0, 0)
        if !z.isFinite {
            if z.re.isInfinite && z.im.isFinite && z.im != 0 {
                if z.re > 0 {
                    r.re = Double.infinity.withSign(of: Glibc.cos(z.im))
                    r.im = Double.infinity.withSign(of: Glibc.sin(z.im))
                } else {
                    r.re = -Double.infinity.withSign(of: Glibc.cos(z.im))
                    r.im = Double.infinity.withSign(of: Glibc.sin(z.im))
                }
            } else {
                r = special(SpecialValues.sinh, z.re, z.im)
            }
            signal = z.im.isInfinite && !z.re.isNaN ? .domain : .none
            return r
        }
        if Swift.abs(z.re) > logLargeDouble {
            let xMinusOne = z.re - Double(1).withSign(of: z.re)
            r.re = Glibc.cos(z.im) * Glibc.sinh(xMinusOne) * e
            r.im = Glibc.sin(z.im) * Glibc.cosh(xMinusOne) * e
        } else {
            r.re = Glibc.cos(z.im) * Glibc.sinh(z.re)
            r.im = Glibc.sin(z.im) * Glibc.cosh(z.re)
        }
        signal = r.re.isInfinite || r.im.isInfinite ? .range : .none
        return r
    }

    /// sqrt by s = 2·sqrt(x/8 + hypot(x/8, y/8)), d = (y/2)/s, which cannot overflow,
    /// with subnormal arguments scaled up first so hypot keeps its precision.
    package static func sqrt(_ z: ComplexNumber, _ signal: inout Signal) -> ComplexNumber {
        if !z.isFinite {
            signal = .none
            return special(SpecialValues.sqrt, z.re, z.im)
        }
        if z.re == 0 && z.im == 0 {
            return ComplexNumber(0, z.im)  // leaves errno as it was, as CPython does
        }
        var ax = Swift.abs(z.re)
        let ay = Swift.abs(z.im)
        let s: Double
        if ax < Double.leastNormalMagnitude && ay < Double.leastNormalMagnitude {
            ax = ldexp(ax, scaleUp)
            s = ldexp(Glibc.sqrt(ax + hypot(ax, ldexp(ay, scaleUp))), scaleDown)
        } else {
            ax /= 8
            s = 2 * Glibc.sqrt(ax + hypot(ax, ay / 8))
        }
        let d = ay / (2 * s)
        signal = .none
        if z.re >= 0 {
            return ComplexNumber(s, d.withSign(of: z.im))
        }
        return ComplexNumber(d, s.withSign(of: z.im))
    }

    /// tan(z) = -i tanh(iz)
    package static func tan(_ z: ComplexNumber, _ signal: inout Signal) -> ComplexNumber {
        rotated(z, through: tanh, &signal)
    }

    /// tanh(x+iy) = (tanh(x)(1+tan(y)²) + i tan(y)(1-tanh(x)²)) / (1+tan(y)² tanh(x)²),
    /// with 1-tanh(x)² computed as 1/cosh(x)², or 4·exp(-2|x|) where cosh overflows.
    package static func tanh(_ z: ComplexNumber, _ signal: inout Signal) -> ComplexNumber {
        var r = ComplexNumber(0, 0)
        if !z.isFinite {
            if z.re.isInfinite && z.im.isFinite && z.im != 0 {
                r.re = z.re > 0 ? 1 : -1
                r.im = Double(0).withSign(of: 2 * Glibc.sin(z.im) * Glibc.cos(z.im))
            } else {
                r = special(SpecialValues.tanh, z.re, z.im)
            }
            signal = z.im.isInfinite && z.re.isFinite ? .domain : .none
            return r
        }
        if Swift.abs(z.re) > logLargeDouble {
            r.re = Double(1).withSign(of: z.re)
            r.im = 4 * Glibc.sin(z.im) * Glibc.cos(z.im) * Glibc.exp(-2 * Swift.abs(z.re))
        } else {
            let tx = Glibc.tanh(z.re)
            let ty = Glibc.tan(z.im)
            let cx = 1 / Glibc.cosh(z.re)
            let txty = tx * ty
            let denom = 1 + txty * txty
            r.re = tx * (1 + ty * ty) / denom
            r.im = ((ty / denom) * cx) * cx
        }
        signal = .none
        return r
    }

    /// `cmath.rect(r, phi)`, in the spirit of C99: like exp(log(r) + i·phi).
    package static func rect(_ r: Double, _ phi: Double, _ signal: inout Signal) -> ComplexNumber {
        if !r.isFinite || !phi.isFinite {
            var z: ComplexNumber
            if r.isInfinite && phi.isFinite && phi != 0 {
                if r > 0 {
                    z = ComplexNumber(Double.infinity.withSign(of: Glibc.cos(phi)), Double.infinity.withSign(of: Glibc.sin(phi)))
                } else {
                    z = ComplexNumber(-Double.infinity.withSign(of: Glibc.cos(phi)), -Double.infinity.withSign(of: Glibc.sin(phi)))
                }
            } else {
                z = special(SpecialValues.rect, r, phi)
            }
            signal = r != 0 && !r.isNaN && phi.isInfinite ? .domain : .none
            return z
        }
        signal = .none
        if phi == 0 {
            return ComplexNumber(r, r * phi)  // keeps phi's zero sign (bpo-18513)
        }
        return ComplexNumber(r * Glibc.cos(phi), r * Glibc.sin(phi))
    }

    /// `cmath.phase`: atan2, whose errno CPython reads (glibc sets ERANGE when the
    /// result underflows to zero, and CPython then raises OverflowError).
    package static func phase(_ z: ComplexNumber, _ signal: inout Signal) -> Double {
        Glibc.errno = 0
        let phi = atan2(z.im, z.re)
        signal = CMath.signal(fromErrno: Glibc.errno)
        return phi
    }

    /// `_Py_c_abs`: C99's rules for infinities and NaNs, and ERANGE where hypot overflows.
    package static func abs(_ z: ComplexNumber, _ signal: inout Signal) -> Double {
        if !z.isFinite {
            signal = .none
            if z.re.isInfinite { return Swift.abs(z.re) }
            if z.im.isInfinite { return Swift.abs(z.im) }
            return .nan
        }
        let result = hypot(z.re, z.im)
        signal = result.isFinite ? .none : .range
        return result
    }

    /// How CPython's `math_error` reads `errno`.
    @inline(__always)
    static func signal(fromErrno code: Int32) -> Signal {
        switch code {
        case 0: return .none
        case ERANGE: return .range
        default: return .domain
        }
    }
}
