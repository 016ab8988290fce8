import Testing
@testable import ComplexLanguage

/// A backend that computes in-process and records every operation it was handed.
final class InProcess: Backend {
    var name: String { "test" }
    var summary: String { "test" }
    var log: [MathOperation] = []
    func apply(_ operation: MathOperation, _ a: Value, _ b: Value?) throws(OperationError) -> Value {
        log.append(operation)
        return try operation.perform(a, b)
    }
}

@Suite struct InterpreterTests {
    @Test func everyOperationGoesThroughTheBackend() throws {
        let backend = InProcess()
        let interpreter = Interpreter(backend: backend)
        _ = try interpreter.execute("-(1+3j) - 5j * 2 / sqrt(4) ** 2")
        // In evaluation order: an in-process backend gets each operation once its operands are known.
        #expect(backend.log == [.add, .neg, .mul, .sqrt, .pow, .div, .sub])
    }

    @Test func variablesAndLastResult() throws {
        let interpreter = Interpreter(backend: InProcess())
        #expect(try interpreter.execute("x = 3+4j") == .assigned("x", .complex(ComplexNumber(3, 4))))
        #expect(try interpreter.execute("abs(x)") == .value(.real(5)))
        #expect(try interpreter.execute("ans * 2") == .value(.real(10)))
        #expect(try interpreter.execute("_ + 1") == .value(.real(11)))
        #expect(try interpreter.execute("y = ans") == .assigned("y", .real(11)))
        #expect(interpreter.lastResult == .real(11))  // assignment does not change ans
        #expect(try interpreter.execute("# nothing") == .nothing)
    }

    func failure(_ text: String, _ interpreter: Interpreter = Interpreter(backend: InProcess())) -> Diagnostic? {
        do throws(Diagnostic) { _ = try interpreter.execute(text); return nil } catch { return error }
    }

    @Test func errorsPointAtTheOperation() {
        #expect(failure("1 + 1/0") == Diagnostic("division by zero", at: 5))
        #expect(failure("(1+1j)/0j")?.message == "division by zero")
        #expect(failure("2 * log(0)") == Diagnostic("math domain error", at: 4))
        #expect(failure("0j ** -1")?.message.contains("zero cannot be raised") == true)
        #expect(failure("0 ** -1")?.message.contains("zero cannot be raised") == true)
        #expect(failure("ans")?.message.contains("no value yet") == true)
        #expect(failure("1 + y") == Diagnostic("name 'y' is not defined (assign it first: y = 1+2j)", at: 4))
        #expect(failure("j")?.message.contains("written 1j") == true)
        #expect(failure("exp(1000)")?.message.contains("range") == true)
    }

    @Test func pythonsNumericTower() throws {
        let interpreter = Interpreter(backend: InProcess())
        #expect(try interpreter.execute("sqrt(4)") == .value(.real(2)))
        #expect(try interpreter.execute("sqrt(-4)") == .value(.complex(ComplexNumber(0, 2))))
        #expect(try interpreter.execute("sqrt(4+0j)") == .value(.complex(ComplexNumber(2, 0))))
        #expect(try interpreter.execute("(1+1j)+(1-1j)") == .value(.complex(ComplexNumber(2, 0))))
        #expect(try interpreter.execute("inf * 2") == .value(.real(.infinity)))
        #expect(try interpreter.execute("1e308 * 10") == .value(.real(.infinity)))
        #expect(try interpreter.execute("abs(3+4j)") == .value(.real(5)))
        if case .value(.complex(let z)) = try interpreter.execute("(-8) ** (1/3)") {
            #expect(z.re == 1.0000000000000002 && z.im == 1.7320508075688772)
        } else { Issue.record("(-8)**(1/3) should be complex") }
        let outcome = try interpreter.execute("(inf+0j)*2")
        guard case .value(let v) = outcome else {
            Issue.record("(inf+0j)*2 gave \(outcome), not a value")
            return
        }
        var f = ValueFormatter()
        #expect(f.string(v) == "(inf+nanj)")
    }

    @Test func cpythonDivisionAgreesWhereTheTextbookFormulaDoesNot() throws {
        // Smith's method: this case differs from (ac+bd)/(c²+d²) in the last bit.
        let q = CPythonArithmetic.quotient(ComplexNumber(1, 2), ComplexNumber(3, -4))!
        #expect(q == ComplexNumber(-0.2, 0.4))
        #expect(CPythonArithmetic.quotient(ComplexNumber(1, 1), ComplexNumber(0, 0)) == nil)
        #expect(CPythonArithmetic.quotient(ComplexNumber(1, 1), ComplexNumber(.nan, 0))!.re.isNaN)
    }

    @Test func operationArityIsChecked() {
        #expect(throws: OperationError.self) { try MathOperation.add.perform(.real(1), nil) }
        #expect(throws: OperationError.self) { try MathOperation.sqrt.perform(.real(1), .real(2)) }
    }
}

@Suite struct OperationTests {
    @Test func indexIsThePositionInAllCases() {
        for (position, op) in MathOperation.allCases.enumerated() {
            #expect(op.index == position)
        }
    }
}
