extension MathOperation {
    /// Computes the operation in this process, with CPython's semantics.
    ///
    /// This is the arithmetic itself: the local backend calls it directly, and the
    /// server and the bundled FFI library call it on the far side of their transports.
    public func perform(_ a: Value, _ b: Value?) throws(OperationError) -> Value {
        guard let b else {
            guard arity.lowerBound == 1 else {
                throw .badArguments("\(rawValue) takes \(aritySpelling) operands, got 1")
            }
            if self == .neg {
                switch a {
                case .real(let x): return .real(-x)
                case .complex(let z): return .complex(ComplexNumber(-z.re, -z.im))
                }
            }
            return try ElementaryFunctions.apply(self, a, nil)
        }
        guard arity.upperBound == 2 else {
            throw .badArguments("\(rawValue) takes 1 operand, got 2")
        }
        if isFunction {
            return try ElementaryFunctions.apply(self, a, b)
        }
        if case .real(let x) = a, case .real(let y) = b {
            return try Self.realBinary(self, x, y)
        }
        return try Self.complexBinary(self, a.complexValue, b.complexValue)
    }

    @inline(__always)
    static func realBinary(_ op: MathOperation, _ x: Double, _ y: Double) throws(OperationError) -> Value {
        switch op {
        case .add: return .real(x + y)
        case .sub: return .real(x - y)
        case .mul: return .real(x * y)
        case .div:
            if y == 0 { throw .divisionByZero("division by zero") }
            return .real(x / y)
        default:
            return try CPythonArithmetic.realPower(x, y)
        }
    }

    @inline(__always)
    static func complexBinary(_ op: MathOperation, _ a: ComplexNumber, _ b: ComplexNumber) throws(OperationError) -> Value {
        switch op {
        case .add: return .complex(ComplexNumber(a.re + b.re, a.im + b.im))
        case .sub: return .complex(ComplexNumber(a.re - b.re, a.im - b.im))
        case .mul: return .complex(CPythonArithmetic.product(a, b))
        case .div:
            guard let q = CPythonArithmetic.quotient(a, b) else {
                throw .divisionByZero("division by zero")
            }
            return .complex(q)
        default:
            return .complex(try CPythonArithmetic.power(a, b))
        }
    }
}

extension MathOperation {
    /// The operands as a transport that carries only complex numbers sends them (the FFI
    /// ABI's `complex_apply`), chosen so that the operation gives the same result as on
    /// the operands themselves. A real is promoted as CPython promotes a float, `x+0j`,
    /// except as the first of `complex(re, im)`'s two operands: there a real contributes
    /// no imaginary part at all, which an imaginary part of -0.0 (the additive identity)
    /// reproduces and +0.0 does not (`complex(1, complex(-0.0, 2))` is `(-1-0j)`).
    @inlinable
    public func complexOperands(_ a: Value, _ b: Value?) -> (ComplexNumber, ComplexNumber?) {
        if self == .complex, b != nil, case .real(let x) = a {
            return (ComplexNumber(x, -0.0), b?.complexValue)
        }
        return (a.complexValue, b?.complexValue)
    }
}
