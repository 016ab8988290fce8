extension Operation {
    /// Computes the operation in this process, with CPython's semantics.
    ///
    /// This is the arithmetic itself: the local backend calls it directly, and the
    /// server and the bundled FFI library call it on the far side of their transports.
    public func perform(_ a: Value, _ b: Value?) throws(OperationError) -> Value {
        guard let b else {
            guard arity == 1 else {
                throw .badArguments("\(rawValue) takes 2 operands, got 1")
            }
            if self == .neg {
                switch a {
                case .real(let x): return .real(-x)
                case .complex(let z): return .complex(ComplexNumber(-z.re, -z.im))
                }
            }
            return try ElementaryFunctions.apply(self, a)
        }
        guard arity == 2 else {
            throw .badArguments("\(rawValue) takes 1 operand, got 2")
        }
        if case .real(let x) = a, case .real(let y) = b {
            return try Self.realBinary(self, x, y)
        }
        return try Self.complexBinary(self, a.complexValue, b.complexValue)
    }

    @inline(__always)
    static func realBinary(_ op: Operation, _ x: Double, _ y: Double) throws(OperationError) -> Value {
        switch op {
        case .add: return .real(x + y)
        case .sub: return .real(x - y)
        case .mul: return .real(x * y)
        case .div:
            if y == 0 { throw .divisionByZero("division by zero") }
            return .real(x / y)
        default:
            guard let r = CPythonArithmetic.realPower(x, y) else {
                throw .divisionByZero("zero cannot be raised to a negative power")
            }
            return r
        }
    }

    @inline(__always)
    static func complexBinary(_ op: Operation, _ a: ComplexNumber, _ b: ComplexNumber) throws(OperationError) -> Value {
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
            guard let p = CPythonArithmetic.power(a, b) else {
                throw .divisionByZero("zero cannot be raised to a negative or complex power")
            }
            return .complex(p)
        }
    }
}
