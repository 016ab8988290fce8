import Testing
@testable import ComplexLanguage

/// User functions, `f(z) = z**2 + 1`, with the meaning of Python's `def`.
@Suite struct UserFunctionTests {
    func run(_ lines: [String], on backend: any Backend = InProcess()) -> (Interpreter, [Result<Interpreter.Outcome, Diagnostic>]) {
        let interpreter = Interpreter(backend: backend)
        var outcomes: [Result<Interpreter.Outcome, Diagnostic>] = []
        for line in lines {
            outcomes.append(Result { () throws(Diagnostic) in try interpreter.execute(line) })
        }
        return (interpreter, outcomes)
    }

    func value(_ outcome: Result<Interpreter.Outcome, Diagnostic>) -> Value? {
        if case .success(.value(let value)) = outcome { return value }
        return nil
    }

    func error(_ outcome: Result<Interpreter.Outcome, Diagnostic>) -> Diagnostic? {
        if case .failure(let error) = outcome { return error }
        return nil
    }

    /// A definition waits for the lines queued before it, however it is indented (the
    /// lexer's blanks: a carriage return too), so a window gives what one line at a time
    /// gives: here, that `x` is already a variable.
    @Test func anIndentedDefinitionWaitsForTheLinesBeforeIt() {
        let lines = ["x = 1", "\r x(z) = 1", "\tx(2)"]
        let (_, oneAtATime) = run(lines)
        let interpreter = Interpreter(backend: InProcess())
        for line in lines {
            var copy = line
            copy.withUTF8 { interpreter.enqueue($0) }
        }
        var windowed: [Result<Interpreter.Outcome, Diagnostic>] = []
        interpreter.runQueued { _, outcome in windowed.append(outcome) }
        #expect(error(oneAtATime[1])?.message.hasPrefix("cannot define 'x' as a function: it is a variable") == true)
        #expect(windowed == oneAtATime)
    }

    @Test func aCallIsAnOrdinaryCall() {
        let (_, outcomes) = run([
            "f(z) = z**2 + 1", "f(1+2j)", "g(z, w) = z*w - conj(w)", "g(f(2), 3j)", "2*f(ans)", "k() = 2j", "k() * k()",
        ])
        guard case .success(.defined(let f)) = outcomes[0] else {
            Issue.record("a definition is not reported as one: \(outcomes[0])")
            return
        }
        #expect(f.name == "f" && f.parameters == ["z"] && f.source == "f(z) = z**2 + 1")
        #expect(value(outcomes[1]) == .complex(ComplexNumber(-2, 4)))
        #expect(value(outcomes[3]) == .complex(ComplexNumber(0, 18)))
        #expect(value(outcomes[4]) == .complex(ComplexNumber(-646, 0)))
        #expect(value(outcomes[6]) == .complex(ComplexNumber(-4, 0)))
    }

    @Test func everyOperationOfTheBodyGoesToTheBackend() throws {
        let backend = InProcess()
        let (_, outcomes) = run(["f(z) = sqrt(z) * z - 1", "f(4) + 1"], on: backend)
        #expect(value(outcomes[1]) == .real(8))
        #expect(backend.log == [.sqrt, .mul, .sub, .add])
    }

    @Test func theBodyReadsGlobalsWhenCalledAndCallsTheLatestDefinitions() {
        let (_, outcomes) = run([
            "m(z) = z * a + h(z)", "a = 2", "h(z) = 1", "m(1)", "a = 3", "h(z) = z", "m(1)", "ans", "n(z) = ans + z", "n(1)", "n(1)",
        ])
        #expect(value(outcomes[3]) == .real(3))
        #expect(value(outcomes[6]) == .real(4))
        #expect(value(outcomes[9]) == .real(5))  // ans was 4
        #expect(value(outcomes[10]) == .real(6))
    }

    @Test func parametersAreLocal() {
        let (interpreter, outcomes) = run(["z = 10", "f(z) = z + 1", "f(1)", "z"])
        #expect(value(outcomes[2]) == .real(2))
        #expect(value(outcomes[3]) == .real(10))
        #expect(interpreter.variables["z"] == .real(10))
    }

    @Test func badDefinitionsAndCallsAreClearErrorsAtTheirPlace() {
        let (interpreter, outcomes) = run([
            "f(z) = z + 1",
            "f()",              // 1
            "f(1, 2)",          // 2
            "sqrt(z) = 1",      // 3
            "pi(z) = 1",        // 4
            "ans(z) = 1",       // 5
            "x = 1", "x(z) = 1",  // 7
            "f = 3",            // 8
            "q(z, z) = 1",      // 9
            "q(z) =",           // 10
            "q(1) = 2",         // 11
            "r(z) = nope(z)", "r(1)",  // 13
            "s(z) = z + w", "s(1)",    // 15
            "u(z) = f(z, z)", "u(1)",  // 17
            "f + 1",            // 18
            "q(z) = z(2)",      // 19
            "v(pi) = 1",        // 20
        ])
        #expect(error(outcomes[1]) == Diagnostic("f() takes 1 argument, 0 given", at: 2))
        #expect(error(outcomes[2]) == Diagnostic("f() takes 1 argument, 2 given", at: 5))
        #expect(error(outcomes[3]) == Diagnostic("cannot define 'sqrt': it is a built-in function", at: 0))
        #expect(error(outcomes[4]) == Diagnostic("cannot define 'pi': it is a constant", at: 0))
        #expect(error(outcomes[5]) == Diagnostic("cannot define 'ans': it holds the last result", at: 0))
        #expect(error(outcomes[7]) == Diagnostic("cannot define 'x' as a function: it is a variable; choose another name", at: 0))
        #expect(error(outcomes[8]) == Diagnostic("cannot assign to 'f': it is a function (f(z) = z + 1); choose another name", at: 0))
        #expect(error(outcomes[9]) == Diagnostic("duplicate parameter 'z' in the definition of q", at: 5))
        #expect(error(outcomes[10])?.message.hasPrefix("expected the body of q after '='") == true)
        #expect(error(outcomes[11])?.message.hasPrefix("a parameter is a name") == true)
        #expect(error(outcomes[11])?.offset == 2)
        #expect(error(outcomes[13]) == Diagnostic("unknown function 'nope', called in r (define it: nope(z) = …)", at: 0))
        #expect(error(outcomes[15]) == Diagnostic("name 'w' is not defined (assign it first: w = 1+2j)", at: 0))
        #expect(error(outcomes[17]) == Diagnostic("f() takes 1 argument, 2 given (in u)", at: 0))
        #expect(error(outcomes[18]) == Diagnostic("'f' is a function: call it as f(x)", at: 0))
        #expect(error(outcomes[19])?.message.hasPrefix("'z' is a parameter, not a function") == true)
        #expect(error(outcomes[20]) == Diagnostic("cannot name a parameter 'pi': it is a constant", at: 2))
        // Nothing failed changed anything.
        #expect(interpreter.functions.keys.sorted() == ["f", "r", "s", "u"])
        #expect(interpreter.variables == ["x": .real(1)])
        #expect(interpreter.functions["f"]?.source == "f(z) = z + 1")
    }

    @Test func recursionWithoutEndIsAnErrorNotACrash() {
        let backend = InProcess()
        let (_, outcomes) = run([
            "f(z) = f(z) + 1", "f(1)", "g(z) = h(z)", "h(z) = g(z)", "g(1)", "b(z) = b(z) + b(z)", "b(2)",
            "d(z) = 1/z + d(z)", "d(0)",
        ], on: backend)
        for index in [1, 4, 6] {
            #expect(error(outcomes[index])?.message.hasPrefix("maximum recursion depth exceeded") == true, "\(outcomes[index])")
        }
        // As in Python, an error met before the recursion runs out is the one reported.
        #expect(error(outcomes[8]) == Diagnostic("division by zero", at: 0))
        #expect(backend.log == [.div])
    }

    @Test func anExpansionTooLargeIsAnError() {
        var lines = ["f0(z) = z + 1"]
        for level in 1...21 { lines.append("f\(level)(z) = f\(level - 1)(z) + f\(level - 1)(z)") }
        lines.append("f21(1)")
        let (_, outcomes) = run(lines)
        #expect(error(outcomes.last!)?.message.hasPrefix("expression too large") == true)
    }

    @Test func errorsInsideABodyComeInPythonsOrder() {
        // The callee is looked up before its arguments are evaluated; the number of
        // arguments is checked after.
        let (_, outcomes) = run(["g(z) = z", "a(z) = nope(1/z)", "a(0)", "b(z) = g(1/z, 2)", "b(0)", "f(z) = z", "f(1/0)"])
        #expect(error(outcomes[2])?.message.hasPrefix("unknown function 'nope'") == true)
        #expect(error(outcomes[4]) == Diagnostic("division by zero", at: 0))
        #expect(error(outcomes[6]) == Diagnostic("division by zero", at: 3))
    }

    @Test func aDefinitionInsideAWindowTakesEffectForTheLinesAfterIt() {
        let lines = ["x = 1", "f(z) = z + x", "f(1)", "x = 5", "f(1)", "f(z) = z * 10", "f(2)", "x(z) = 1", "y = f(3)"]
        let backend = Batching()
        let interpreter = Interpreter(backend: backend)
        for line in lines {
            var copy = line
            copy.withUTF8 { interpreter.enqueue($0) }
        }
        var windowed: [Int: Result<Interpreter.Outcome, Diagnostic>] = [:]
        interpreter.runQueued { index, outcome in windowed[index] = outcome }
        let (_, oneAtATime) = run(lines)
        #expect(windowed.count == lines.count)
        for index in lines.indices {
            #expect(windowed[index] == oneAtATime[index], "line \(index + 1): \(lines[index])")
        }
        #expect(value(oneAtATime[4]) == .real(6))
        #expect(interpreter.variables["y"] == .real(30))
    }

    @Test func aCallWaitsOnlyForTheLinesThatSetWhatItReads() {
        let backend = Batching()
        let interpreter = Interpreter(backend: backend)
        for line in ["f(z) = z * a", "a = 2"] { _ = try? interpreter.execute(line) }
        backend.batches.removeAll()
        for line in ["f(1)", "f(2)", "b = sqrt(4) * 1", "f(3) + b"] {
            var copy = line
            copy.withUTF8 { interpreter.enqueue($0) }
        }
        var outcomes: [Result<Interpreter.Outcome, Diagnostic>] = []
        interpreter.runQueued { _, outcome in outcomes.append(outcome) }
        #expect(outcomes.map(value) == [.real(2), .real(4), nil, .real(8)])
        // f(1), f(2), f(3) and sqrt(4) go together: none of the calls reads b.
        #expect(backend.batches.first == [.mul, .mul, .sqrt, .mul])
    }
}
