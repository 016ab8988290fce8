import Glibc

/// The language's functions (`sqrt`, `log`, `rect`, `complex` ...) with Python's
/// numeric tower. On real arguments a function is Python's `math` function where that
/// returns a number, and `cmath`'s on `complex(x, 0)` where `math` raises ValueError
/// (outside the real domain: `sqrt(-4)` is `2j`, `log(-1)` is `3.141592653589793j`);
/// on a complex argument it is `cmath`'s. Both agree with CPython 3.11 bit for bit:
/// `math` is the C library's function judged by CPython's `math_1`, and `cmath` is
/// `CMath`, a port of cmathmodule.c.
enum ElementaryFunctions {
    static let domainError = OperationError.domainError("math domain error")
    static let rangeError = OperationError.overflow("math range error")

    static func apply(_ op: MathOperation, _ a: Value, _ b: Value?) throws(OperationError) -> Value {
        switch (op, a, b) {
        case (.complex, _, _):
            return .complex(construct(a, b))
        case (.rect, .real(let r), .real(let phi)?):
            var signal = CMath.Signal.none
            let z = CMath.rect(r, phi, &signal)
            try check(signal)
            return .complex(z)
        case (.rect, _, _):
            throw .badArguments("rect() takes real arguments (a modulus and a phase), not complex ones")
        case (.log, .real(let x), .real(let base)?):
            // math.log(x, base): loghelper on each, then float division.
            if let numerator = try mathFunction(.log, x), let denominator = try mathFunction(.log, base) {
                if denominator == 0 { throw .divisionByZero("division by zero") }
                return .real(numerator / denominator)
            }
            return try complexLog(ComplexNumber(x, 0), base: ComplexNumber(base, 0))
        case (.log, _, let base?):
            return try complexLog(a.complexValue, base: base.complexValue)
        case (_, .real(let x), nil):
            return try real(op, x)
        case (_, .complex(let z), nil):
            return try complex(op, z)
        default:
            throw .badArguments("\(op.rawValue)() takes \(op.aritySpelling) argument\(op.arity.upperBound == 1 ? "" : "s")")
        }
    }

    // MARK: Real arguments

    static func real(_ op: MathOperation, _ x: Double) throws(OperationError) -> Value {
        switch op {
        case .abs: return .real(Swift.abs(x))
        case .arg: return try complex(.arg, ComplexNumber(x, 0))
        case .conj, .re: return .real(x)
        case .im: return .real(0)
        default: break
        }
        if let result = try mathFunction(op, x) {
            return .real(result)
        }
        return try complex(op, ComplexNumber(x, 0))
    }

    /// Python's `math` function for `op`: its value, nil where `math` raises ValueError
    /// (the caller then goes to `cmath`), and `rangeError` where it raises OverflowError.
    static func mathFunction(_ op: MathOperation, _ x: Double) throws(OperationError) -> Double? {
        // The C function, and whether an infinite result from a finite argument is an
        // overflow (OverflowError) rather than a singularity (ValueError): mathmodule.c's
        // FUNC1 table.
        let function: (Double) -> Double
        var canOverflow = false
        switch op {
        case .sqrt: function = Glibc.sqrt
        case .exp: function = Glibc.exp; canOverflow = true
        case .log: function = mLog
        case .log10: function = mLog10
        case .sin: function = Glibc.sin
        case .cos: function = Glibc.cos
        case .tan: function = Glibc.tan
        case .asin: function = Glibc.asin
        case .acos: function = Glibc.acos
        case .atan: function = Glibc.atan
        case .sinh: function = Glibc.sinh; canOverflow = true
        case .cosh: function = Glibc.cosh; canOverflow = true
        case .tanh: function = Glibc.tanh
        case .asinh: function = Glibc.asinh
        case .acosh: function = Glibc.acosh
        case .atanh: function = Glibc.atanh
        default: throw .badArguments("\(op.rawValue) is not a function of one real argument")
        }
        // math_1
        Glibc.errno = 0
        let r = function(x)
        if r.isNaN && !x.isNaN { return nil }
        if r.isInfinite && x.isFinite {
            if canOverflow { throw rangeError }
            return nil
        }
        // is_error: ERANGE on a result below 1.5 in magnitude is an underflow, not an error.
        let code = Glibc.errno
        if r.isFinite && code != 0 {
            if code != ERANGE { return nil }
            if Swift.abs(r) >= 1.5 { throw rangeError }
        }
        return r
    }

    /// mathmodule.c's `m_log` and `m_log10`: the C function on positive arguments,
    /// -inf at zero and NaN below, which `math_1` then rejects.
    static func mLog(_ x: Double) -> Double { x > 0 && x.isFinite ? Glibc.log(x) : logBoundary(x) }
    static func mLog10(_ x: Double) -> Double { x > 0 && x.isFinite ? Glibc.log10(x) : logBoundary(x) }

    static func logBoundary(_ x: Double) -> Double {
        if x.isFinite { return x == 0 ? -.infinity : .nan }
        return x.isNaN || x > 0 ? x : .nan
    }

    // MARK: Complex arguments

    static func complex(_ op: MathOperation, _ z: ComplexNumber) throws(OperationError) -> Value {
        var signal = CMath.Signal.none
        let result: ComplexNumber
        switch op {
        case .abs:
            let magnitude = CMath.abs(z, &signal)
            if signal != .none { throw .overflow("absolute value too large") }
            return .real(magnitude)
        case .arg:
            let phase = CMath.phase(z, &signal)
            try check(signal)
            return .real(phase)
        case .re: return .real(z.re)
        case .im: return .real(z.im)
        case .conj: return .complex(ComplexNumber(z.re, -z.im))
        case .sqrt: result = CMath.sqrt(z, &signal)
        case .exp: result = CMath.exp(z, &signal)
        case .log: result = CMath.log(z, &signal)
        case .log10: result = CMath.log10(z, &signal)
        case .sin: result = CMath.sin(z, &signal)
        case .cos: result = CMath.cos(z, &signal)
        case .tan: result = CMath.tan(z, &signal)
        case .asin: result = CMath.asin(z, &signal)
        case .acos: result = CMath.acos(z, &signal)
        case .atan: result = CMath.atan(z, &signal)
        case .sinh: result = CMath.sinh(z, &signal)
        case .cosh: result = CMath.cosh(z, &signal)
        case .tanh: result = CMath.tanh(z, &signal)
        case .asinh: result = CMath.asinh(z, &signal)
        case .acosh: result = CMath.acosh(z, &signal)
        case .atanh: result = CMath.atanh(z, &signal)
        default:
            throw .badArguments("\(op.rawValue) is not a function of one argument")
        }
        try check(signal)
        return .complex(result)
    }

    static func complexLog(_ z: ComplexNumber, base: ComplexNumber) throws(OperationError) -> Value {
        var signal = CMath.Signal.none
        let result = CMath.log(z, base: base, &signal)
        try check(signal)
        return .complex(result)
    }

    /// CPython's `math_error`: EDOM is ValueError, ERANGE OverflowError.
    @inline(__always)
    static func check(_ signal: CMath.Signal) throws(OperationError) {
        switch signal {
        case .none: return
        case .domain: throw domainError
        case .range: throw rangeError
        }
    }

    /// `complex(real, imag)` as CPython's `complex_new` computes it from numbers:
    /// `real + imag*1j`, where a complex `imag` moves its imaginary part into the
    /// real one, and a real operand contributes no imaginary part at all (so
    /// `complex(1, complex(-0.0, 2))` is `(-1-0j)`, not `(-1+0j)`).
    static func construct(_ real: Value, _ imag: Value?) -> ComplexNumber {
        var cr = real.complexValue
        guard let imag else { return cr }
        switch imag {
        case .real(let y):
            let ci = y
            if case .complex = real { return ComplexNumber(cr.re, ci + cr.im) }
            return ComplexNumber(cr.re, ci)
        case .complex(let w):
            cr.re -= w.im
            if case .complex = real { return ComplexNumber(cr.re, w.re + cr.im) }
            return ComplexNumber(cr.re, w.re)
        }
    }
}

extension Double {
    /// This magnitude with the sign bit of `other` (C's copysign).
    @inline(__always)
    func withSign(of other: Double) -> Double { Double(signOf: other, magnitudeOf: self) }
}
