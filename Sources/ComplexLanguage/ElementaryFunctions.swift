#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ComplexModule

/// The language's functions (`sqrt`, `log`, `sin`, ...) with Python's `math`/`cmath`
/// conventions: a real argument inside the real domain gives a real result, outside it
/// a complex one; `log(0)` is a domain error and a finite argument whose result
/// overflows is a range error, as in `cmath`. Complex arguments use swift-numerics'
/// `ComplexModule`, which agrees with `cmath` to a few ulps on finite values.
enum ElementaryFunctions {
    typealias NumericsComplex = ComplexModule.Complex<Double>

    static let domainError = OperationError.domainError("math domain error")
    static let rangeError = OperationError.overflow("math range error: the result is too large")

    static func apply(_ op: Operation, _ value: Value) throws(OperationError) -> Value {
        switch value {
        case .real(let x): return try real(op, x)
        case .complex(let z): return try complex(op, z)
        }
    }

    // MARK: Real arguments

    static func real(_ op: Operation, _ x: Double) throws(OperationError) -> Value {
        let result: Double
        switch op {
        case .abs: return .real(Swift.abs(x))
        case .arg: return .real(atan2(0.0, x))
        case .conj, .re: return .real(x)
        case .im: return .real(0)
        case .sqrt:
            if x < 0 { return .complex(ComplexNumber(0, sqrt(-x))) }
            return .real(sqrt(x))
        case .log, .log10:
            if x == 0 { throw domainError }
            if x < 0 { return try complex(op, ComplexNumber(x, 0)) }
            result = op == .log ? log(x) : log10(x)
        case .asin, .acos:
            if Swift.abs(x) > 1 { return try complex(op, ComplexNumber(x, 0)) }
            result = op == .asin ? asin(x) : acos(x)
        case .exp: result = exp(x)
        case .sin: result = sin(x)
        case .cos: result = cos(x)
        case .tan: result = tan(x)
        case .atan: result = atan(x)
        case .sinh: result = sinh(x)
        case .cosh: result = cosh(x)
        case .tanh: result = tanh(x)
        default:
            throw .badArguments("\(op.rawValue) is not a function of one argument")
        }
        if result.isNaN && !x.isNaN { throw domainError }
        if result.isInfinite && x.isFinite { throw rangeError }
        return .real(result)
    }

    /// asin and acos on the real axis beyond ±1, where swift-numerics takes the other
    /// side of the branch cut from C99 and cmath: the sign of the zero imaginary part
    /// picks the side.
    static func onRealCut(_ op: Operation, _ z: ComplexNumber) -> ComplexNumber {
        let magnitude = acosh(Swift.abs(z.re))
        if op == .asin {
            return ComplexNumber((Double.pi / 2).withSign(of: z.re), magnitude.withSign(of: z.im))
        }
        return ComplexNumber(z.re > 0 ? 0 : .pi, -magnitude.withSign(of: z.im))
    }

    // MARK: Complex arguments

    static func complex(_ op: Operation, _ z: ComplexNumber) throws(OperationError) -> Value {
        switch op {
        case .abs: return .real(hypot(z.re, z.im))
        case .arg: return .real(atan2(z.im, z.re))
        case .re: return .real(z.re)
        case .im: return .real(z.im)
        case .conj: return .complex(ComplexNumber(z.re, -z.im))
        default: break
        }
        // cmath's special-value tables for infinite and NaN arguments are not
        // reproduced; NaN in, NaN out keeps the result honest.
        guard z.isFinite else { return .complex(ComplexNumber(.nan, .nan)) }
        let w = NumericsComplex(z.re, z.im)
        let r: NumericsComplex
        switch op {
        case .sqrt: r = .sqrt(w)
        case .exp: r = .exp(w)
        case .log, .log10:
            if z.re == 0 && z.im == 0 { throw domainError }
            let l = NumericsComplex.log(w)
            r = op == .log ? l : NumericsComplex(l.real / M_LN10, l.imaginary / M_LN10)
        case .sin: r = .sin(w)
        case .cos: r = .cos(w)
        case .tan: r = .tan(w)
        case .asin, .acos:
            if z.im == 0 && Swift.abs(z.re) > 1 { return .complex(onRealCut(op, z)) }
            r = op == .asin ? .asin(w) : .acos(w)
        case .atan:
            if z.re == 0 && Swift.abs(z.im) == 1 { throw domainError }
            r = .atan(w)
        case .sinh: r = .sinh(w)
        case .cosh: r = .cosh(w)
        case .tanh: r = .tanh(w)
        default:
            throw .badArguments("\(op.rawValue) is not a function of one argument")
        }
        guard r.isFinite else { throw rangeError }
        return .complex(ComplexNumber(r.real, r.imaginary))
    }
}

extension Double {
    /// This magnitude with the sign bit of `other` (C's copysign).
    @inline(__always)
    func withSign(of other: Double) -> Double { Double(signOf: other, magnitudeOf: self) }
}
