import Testing
@testable import ComplexLanguage
import TestSupport

/// Plain arithmetic evaluated as it is read, against the general path (the parser's
/// tree, walked by the evaluator): on random lines, malformed lines and lines with
/// errors, the same value or the same error, and the same operations in the same order.
@Suite struct PlainArithmeticTests {
    /// The general path's outcome (the parser's tree, walked), and what the backend was
    /// handed.
    func general(_ line: String) -> (Result<Value, Diagnostic>, [MathOperation]) {
        let backend = InProcess()
        var evaluator = Evaluator()
        do throws(Diagnostic) {
            evaluator.add(try Parser.parse(line))
        } catch {
            evaluator.add(failure: error)
        }
        evaluator.evaluate(backend: backend) { _ in nil }
        return (evaluator.result(of: 0), backend.log)
    }

    /// This reader's outcome (nil when it declined), and what the backend was handed.
    func plain(_ line: String) -> (Result<Value, Diagnostic>?, [MathOperation]) {
        let backend = InProcess()
        var text = line
        let result = text.withUTF8 { PlainComputation.evaluate($0, backend: backend) }
        return (result, backend.log)
    }

    func same(_ a: Result<Value, Diagnostic>, _ b: Result<Value, Diagnostic>) -> Bool {
        switch (a, b) {
        case (.success(let x), .success(let y)): return x.isIdentical(to: y)
        case (.failure(let x), .failure(let y)): return x == y
        default: return false
        }
    }

    /// Checks `line`; true when this reader took it.
    @discardableResult
    func check(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let (expected, expectedLog) = general(line)
        let (got, log) = plain(line)
        guard let got else { return false }
        #expect(same(got, expected), "\(line): \(got) against \(expected)", sourceLocation: sourceLocation)
        #expect(log == expectedLog, "\(line)", sourceLocation: sourceLocation)
        return true
    }

    @Test func randomLinesGetTheGeneralPathsAnswersAndOperations() {
        var generator = SplitMix(seed: 2026)
        func operand() -> String {
            switch generator.next() % 7 {
            case 0: return "0"
            case 1: return "\(generator.next() % 9)j"
            case 2: return "(\(generator.next() % 9)\(generator.next() % 2 == 0 ? "+" : "-")\(generator.next() % 9).5j)"
            case 3: return "1e308"
            default: return String(Double(generator.next() % 1000) / 10 - 50)
            }
        }
        func expression(_ depth: Int) -> String {
            if depth == 0 || generator.next() % 3 == 0 { return operand() }
            switch generator.next() % 8 {
            case 0: return "-\(expression(depth - 1))"
            case 1: return "+\(expression(depth - 1))"
            case 2: return "(\(expression(depth - 1)))"
            default:
                let op = ["+", "-", "*", "/", "**", "^", " * ", " - "][Int(generator.next() % 8)]
                return "\(expression(depth - 1))\(op)\(expression(depth - 1))"
            }
        }
        var taken = 0, failures = 0
        for _ in 0..<20_000 {
            let line = expression(4)
            if check(line) { taken += 1 } else { Issue.record("\(line) not taken") }
            if case (.failure?, _) = plain(line) { failures += 1 }
        }
        #expect(taken == 20_000)
        // Division by zero and overflow among them: the error path is exercised.
        #expect(failures > 500)
    }

    @Test func linesWithNamesAreDeclinedBeforeAnyOperation() {
        for line in ["x + 1", "1 + 2 * sqrt(4)", "(1+2j) * pi", "2*e", "1 + 2 # a comment", "ans - 1", "_ * 2", "y = 1 + 2",
                     "f(z) = z + 1", "1 + 2j * infj", "3 + nan"] {
            let (got, log) = plain(line)
            #expect(got == nil, "\(line)")
            #expect(log.isEmpty, "\(line)")
        }
        // What numbers spell with letters is not a name.
        for line in ["1e5 + 2j", "2.5E-3 * .5J", "3i - 1e+2", "1.j + 2."] {
            #expect(check(line), "\(line) not taken")
        }
    }

    @Test func malformedLinesAreDeclined() {
        // Each goes to the general path, which reports it: nil here, never an answer.
        for line in ["", "   ", "1 +", "(1+2", "1+2)", "2 3", "1 = 2", "1 / 0 +", "1/0 + (", "1e", ".", "2j3", "1 ** ** 2",
                     "1 + 2e", String(repeating: "(", count: 600) + "1" + String(repeating: ")", count: 600),
                     String(repeating: "-", count: 600) + "1", "1 + \u{1}", "1 + é", "()", "1 + ()", "(1))", "1 (2)", "(1)(2)", "-",
                     "1 *", "1 ^", "**2", "1, 2", ")1(", "1 + 2 # sum"] {
            let (got, _) = plain(line)
            #expect(got == nil, "\(line)")
        }
    }

    /// The tree is the parser's: signs, `**` and its signed exponent, associativity.
    @Test func precedenceIsTheParsers() {
        for line in ["-2**2", "2**-1", "-2**-2**2", "2*-3", "2**3**2", "1-2-3", "8/2/2", "2^-1*3", "-(1)**2", "+-+2**+2", "2**-3*4",
                     "1 - -1", "(1+2j)**2**-1 / -(3-4j)", "1 + 2 #"] {
            #expect(check(line), "\(line) not taken")
        }
    }

    /// A line nested deeper than the reader's stacks, or with `Parser.maximumDepth`
    /// signs, `(` and `**`, is the parser's to answer: declined here, answered there.
    @Test func deepLinesAreTheParsers() {
        let nested = String(repeating: "(", count: 40) + "1+2" + String(repeating: ")", count: 40)
        let signs = Array(repeating: "-1", count: Parser.maximumDepth).joined(separator: "+")
        for line in [nested, signs, "2**" + String(repeating: "-", count: 40) + "1"] {
            #expect(plain(line).0 == nil, "\(line.prefix(20))…")
            guard case (.success, _) = general(line) else {
                Issue.record("\(line.prefix(20))…: the general path fails")
                continue
            }
        }
    }

    @Test func errorsAndTheirPlaces() {
        for line in ["1/0", "1 + 2/0 * 3", "(1e308*10) ** 2", "0 ** -1", "-(1/0)", "2 - 0j/0 - 1/0", "1e308 * 1e308j ** 2"] {
            #expect(check(line), "\(line) not taken")
        }
        // The first failing operation is the error; nothing after it is computed.
        let (got, log) = plain("1 + 2/0 * 3 + 4")
        #expect(log == [.div])
        guard case .failure(let diagnostic)? = got else {
            Issue.record("no error")
            return
        }
        #expect(diagnostic.offset == 5)
    }
}

/// `Interpreter.evaluatePlainLines`, which pipe mode runs on several threads at once:
/// a run of lines taken straight through prints what the interpreter prints for them,
/// and the run stops exactly where the interpreter is needed or a line fails.
@Suite struct PlainLinesTests {
    @Test func runsOfLinesPrintWhatTheInterpreterPrints() {
        var generator = SplitMix(seed: 27)
        func expression(_ depth: Int) -> String {
            if depth == 0 || generator.next() % 3 == 0 {
                return ["0", "1e308", "\(generator.next() % 9)j", "(5+0.61j)", String(Double(generator.next() % 1000) / 10 - 50)][Int(generator.next() % 5)]
            }
            let op = ["+", "-", "*", "/", "**", " * ", " - "][Int(generator.next() % 7)]
            return generator.next() % 4 == 0 ? "-(\(expression(depth - 1)))" : "\(expression(depth - 1))\(op)\(expression(depth - 1))"
        }
        // Blank lines (taken), failures (the run stops with the error), and lines only the
        // interpreter runs (the run stops without one).
        let others = ["", "  \t", "\r", "1/0", "x = 2", "ans + 1", "x * _", "1 +", "# note", "0 ** -1", "sqrt(4)", "f(z) = z", "2 3"]
        var lines: [String] = []
        for _ in 0..<4_000 {
            lines.append(generator.next() % 5 == 0 ? others[Int(generator.next() % UInt64(others.count))] : expression(3))
        }
        // What one interpreter, running line after line, prints for each.
        let interpreter = Interpreter(backend: InProcess())
        var formatter = ValueFormatter()
        let expected = lines.map { line -> Result<String, Diagnostic> in
            Result { () throws(Diagnostic) in
                guard case .value(let value) = try interpreter.execute(line) else { return "" }
                return formatter.string(value) + "\n"
            }
        }
        var text: [UInt8] = []
        var ends: [Int] = []
        for line in lines {
            text += Array(line.utf8)
            ends.append(text.count)
        }
        var index = 0, taken = 0, failures = 0, declined = 0
        while index < lines.count {
            var out: [UInt8] = []
            let run = text.withUnsafeBufferPointer { text in
                ends.withUnsafeBufferPointer { ends in
                    Interpreter.evaluatePlainLines(
                        text, from: index == 0 ? 0 : ends[index - 1], ends: UnsafeBufferPointer(rebasing: ends[index...]),
                        backend: InProcess(), formatter: &formatter, appendingTo: &out)
                }
            }
            let printed = expected[index..<index + run.taken].map { (try? $0.get()) ?? "(failed)" }.joined()
            #expect(String(decoding: out, as: UTF8.self) == printed, "lines \(index + 1)-\(index + run.taken)")
            let lastValue = lines[index..<index + run.taken].lastIndex { !$0.allSatisfy { " \t\r".contains($0) } }
            #expect((run.last != nil) == (lastValue != nil))
            taken += run.taken
            index += run.taken
            guard index < lines.count else { break }
            if let failure = run.failure {
                failures += 1
                #expect(expected[index] == .failure(failure), "line \(index + 1): \(lines[index])")
            } else {
                declined += 1
                #expect(others.contains(lines[index]) && !["", "  \t", "\r"].contains(lines[index]), "line \(index + 1): \(lines[index])")
            }
            index += 1
        }
        #expect(taken > 3_000 && failures > 50 && declined > 300, "\(taken) taken, \(failures) failed, \(declined) declined")
    }
}
