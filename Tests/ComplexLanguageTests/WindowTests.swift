import Testing
@testable import ComplexLanguage
import TestSupport

/// A backend that pipelines: it records each batch it is handed, and answers in process.
final class Batching: Backend {
    var name: String { "batching" }
    var summary: String { "batching" }
    var pipelines: Bool { true }
    var batches: [[MathOperation]] = []
    /// Operations that fail as a lost server would.
    var lost: Set<MathOperation> = []

    func apply(_ operation: MathOperation, _ a: Value, _ b: Value?) throws(OperationError) -> Value {
        batches.append([operation])
        if lost.contains(operation) { throw .backendFailure("lost") }
        return try operation.perform(a, b)
    }

    func apply(_ calls: [OperationCall], into results: inout [Result<Value, OperationError>]) {
        batches.append(calls.map(\.operation))
        results = calls.map { call in
            if lost.contains(call.operation) { return .failure(.backendFailure("lost")) }
            return Result { () throws(OperationError) in try call.operation.perform(call.a, call.b) }
        }
    }
}

/// Windows of lines evaluated together: as many batches as the deepest tree, and
/// outcomes identical to evaluating line after line.
@Suite struct WindowTests {
    @Test func everyReadyOperationGoesInOneBatch() throws {
        let backend = Batching()
        let interpreter = Interpreter(backend: backend)
        // `(1+2j)` is itself an addition, as in Python: the tree is three deep.
        _ = try interpreter.execute("(1+2j)*(3+4j) + (5+6j)*(7+8j)")
        #expect(backend.batches == [[.add, .add, .add, .add], [.mul, .mul], [.add]])
    }

    @Test func aWindowSharesItsRoundTrips() {
        let backend = Batching()
        let interpreter = Interpreter(backend: backend)
        for line in ["1*2 + 3", "sqrt(4) - 1", "x = 2*3", "x + 1", "exp(0) + ans"] {
            var copy = line
            copy.withUTF8 { interpreter.enqueue($0) }
        }
        var outcomes: [Result<Interpreter.Outcome, Diagnostic>] = []
        interpreter.runQueued { _, outcome in outcomes.append(outcome) }
        #expect(outcomes == [.success(.value(.real(5))), .success(.value(.real(1))), .success(.assigned("x", .real(6))),
                             .success(.value(.real(7))), .success(.value(.real(8)))])
        // Round 1: every leaf; `x + 1` waits for line 3, `exp(0) + ans` for line 4.
        #expect(backend.batches[0] == [.mul, .sqrt, .mul, .exp])
        #expect(backend.batches.count == 3)
    }

    @Test func nothingIsSentAfterAKnownFailure() throws {
        let backend = Batching()
        let interpreter = Interpreter(backend: backend)
        #expect(throws: Diagnostic.self) { try interpreter.execute("nowhere + (1+2j)*3") }
        #expect(backend.batches.isEmpty)
        #expect(throws: Diagnostic.self) { try interpreter.execute("(1+2j) + nowhere * 3") }
        #expect(backend.batches == [[.add]])
    }

    /// A scheduled line whose operation fails sends nothing more: its later rounds'
    /// operations are left out of the batches, while the other lines' go on.
    @Test func aFailedScheduledLineSendsNoMore() {
        let backend = Batching()
        backend.lost = [.log]
        let interpreter = Interpreter(backend: backend)
        for line in ["sqrt(4) * 2 + 1", "log(4) * 3 + 5", "exp(0) * 4 + 2"] {
            var copy = line
            copy.withUTF8 { interpreter.enqueue($0) }
        }
        var outcomes: [Result<Interpreter.Outcome, Diagnostic>] = []
        interpreter.runQueued { _, outcome in outcomes.append(outcome) }
        #expect(outcomes == [.success(.value(.real(5))), .failure(Diagnostic("lost", at: 0)), .success(.value(.real(6)))])
        #expect(backend.batches == [[.sqrt, .log, .exp], [.mul, .mul], [.add, .add]])
    }

    /// A line of literals and operations only is scheduled, not walked: it finishes
    /// when every operation of it is answered, not when its root is. An argument that
    /// a function ignores is still computed, and its error is the line's, as one line
    /// at a time has it.
    @Test func aScheduledLineWaitsForEveryOperation() throws {
        let backend = Batching()
        let interpreter = Interpreter(backend: backend)
        _ = try interpreter.execute("f(z) = 2*3")
        backend.batches.removeAll()
        #expect(throws: Diagnostic("math domain error", at: 2)) { try interpreter.execute("f(log(0*1))") }
        #expect(backend.batches == [[.mul, .mul], [.log]])
        backend.batches.removeAll()
        #expect(try interpreter.execute("f(sqrt(sqrt(16)))") == .value(.real(6)))
        #expect(backend.batches == [[.sqrt, .mul], [.sqrt]])
        backend.batches.removeAll()
        #expect(try interpreter.execute("7") == .value(.real(7)))
        #expect(backend.batches.isEmpty)
    }

    /// Random programs of assignments, reads of `ans`, `_` and variables, undefined
    /// names, domain errors and lost operations, run as windows of every size: each
    /// line's outcome and the final state must be those of one line at a time.
    @Test(arguments: [2, 3, 7, 64]) func windowsAgreeWithOneLineAtATime(window: Int) {
        var generator = SplitMix(seed: UInt64(window))
        let names = ["x", "y", "z", "ans", "_"]
        func operand() -> String {
            switch generator.next() % 6 {
            case 0: return names[Int(generator.next() % 5)]
            case 1: return "0"
            case 2: return "(\(generator.next() % 9)+\(generator.next() % 9)j)"
            default: return String(Double(generator.next() % 1000) / 10 - 50)
            }
        }
        func expression(_ depth: Int) -> String {
            if depth == 0 || generator.next() % 3 == 0 { return operand() }
            switch generator.next() % 6 {
            case 0: return "log(\(expression(depth - 1)))"
            case 5: return "atan(\(expression(depth - 1)))"
            case 1: return "(\(expression(depth - 1)) / \(expression(depth - 1)))"
            case 2: return "sqrt(\(expression(depth - 1)))"
            default: return "(\(expression(depth - 1)) \(["+", "-", "*"][Int(generator.next() % 3)]) \(expression(depth - 1)))"
            }
        }
        var lines: [String] = []
        for _ in 0..<600 {
            switch generator.next() % 8 {
            case 0, 1: lines.append("\(["x", "y", "z"][Int(generator.next() % 3)]) = \(expression(3))")
            case 2: lines.append("# a comment")
            case 3: lines.append("1 +")  // does not parse
            default: lines.append(expression(4))
            }
        }
        let sequentialBackend = Batching(), windowedBackend = Batching()
        sequentialBackend.lost = [.atan]
        windowedBackend.lost = [.atan]
        let sequential = Interpreter(backend: sequentialBackend)
        let windowed = Interpreter(backend: windowedBackend)
        var expected: [Result<Interpreter.Outcome, Diagnostic>] = []
        var actual: [Result<Interpreter.Outcome, Diagnostic>] = []
        for line in lines {
            expected.append(Result { () throws(Diagnostic) in try sequential.execute(line) })
        }
        var start = 0
        while start < lines.count {
            for line in lines[start..<min(start + window, lines.count)] {
                var copy = line
                copy.withUTF8 { windowed.enqueue($0) }
            }
            windowed.runQueued { _, outcome in actual.append(outcome) }
            start += window
        }
        #expect(actual.count == expected.count)
        for (index, (a, e)) in zip(actual, expected).enumerated() where !Self.identical(a, e) {
            Issue.record("line \(index + 1) `\(lines[index])`: windowed \(a), sequential \(e)")
            break
        }
        #expect(windowed.variables.keys.sorted() == sequential.variables.keys.sorted())
        #expect(windowed.lastResult.map { $0.isIdentical(to: sequential.lastResult!) } ?? (sequential.lastResult == nil))
        #expect(windowedBackend.batches.count < sequentialBackend.batches.count)
    }

    static func identical(_ a: Result<Interpreter.Outcome, Diagnostic>, _ b: Result<Interpreter.Outcome, Diagnostic>) -> Bool {
        switch (a, b) {
        case (.failure(let x), .failure(let y)): return x == y
        case (.success(.value(let x)), .success(.value(let y))): return x.isIdentical(to: y)
        case (.success(.assigned(let n, let x)), .success(.assigned(let m, let y))): return n == m && x.isIdentical(to: y)
        case (.success(.nothing), .success(.nothing)): return true
        default: return false
        }
    }
}
