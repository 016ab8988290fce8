import Testing
@testable import ComplexLanguage
import TestSupport

/// A line of plain arithmetic is scheduled as it is read (`ScheduleRecorder`): the
/// window must hold what parsing it and scheduling its nodes gives, node for node and
/// call for call, and any other line must leave nothing behind.
@Suite struct ScheduleRecorderTests {
    /// The window after `lines`, each added as `add` takes it (recorded when it can be)
    /// or parsed first and then scheduled.
    func window(_ lines: [String], recording: Bool) -> Evaluator {
        var evaluator = Evaluator()
        for line in lines {
            if recording {
                var copy = line
                copy.withUTF8 { _ = evaluator.add($0) }
            } else {
                do throws(Diagnostic) {
                    evaluator.add(try Parser.parse(line))
                } catch {
                    evaluator.add(failure: error)
                }
            }
        }
        return evaluator
    }

    func expectSame(_ lines: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let recorded = window(lines, recording: true), parsed = window(lines, recording: false)
        #expect(recorded.nodes == parsed.nodes, sourceLocation: sourceLocation)
        #expect(recorded.scheduledCount == parsed.scheduledCount, sourceLocation: sourceLocation)
        #expect(Array(recorded.scheduledCalls[..<recorded.scheduledCount]) == Array(parsed.scheduledCalls[..<parsed.scheduledCount]),
                sourceLocation: sourceLocation)
        #expect(recorded.lastRound == parsed.lastRound, sourceLocation: sourceLocation)
        for (index, (a, b)) in zip(recorded.lines, parsed.lines).enumerated() {
            // (A line without nodes has no root to speak of.)
            #expect(a.nodes == b.nodes && (a.nodes.isEmpty || a.root == b.root) && a.isScheduled == b.isScheduled && a.unanswered == b.unanswered,
                    "\(lines[index])", sourceLocation: sourceLocation)
            #expect(a.result.map(describe) == b.result.map(describe), "\(lines[index])", sourceLocation: sourceLocation)
            // A scheduled line's numbers are in their slots.
            for node in a.nodes where a.isScheduled {
                if case .literal(let value) = recorded.nodes[node] {
                    #expect(recorded.values[node].isIdentical(to: value), "\(lines[index])", sourceLocation: sourceLocation)
                }
            }
        }
    }

    func describe(_ result: Result<Value, Diagnostic>) -> String { "\(result)" }

    @Test func aRecordedLineIsItsParsedLineScheduled() {
        var generator = SplitMix(seed: 38)
        func operand() -> String {
            switch generator.next() % 5 {
            case 0: return "\(generator.next() % 9)j"
            case 1: return "(\(generator.next() % 9)\(generator.next() % 2 == 0 ? "+" : "-")\(generator.next() % 9).5j)"
            case 2: return "1e\(generator.next() % 400)"
            default: return String(Double(generator.next() % 1000) / 10)
            }
        }
        func expression(_ depth: Int) -> String {
            if depth == 0 || generator.next() % 3 == 0 { return operand() }
            switch generator.next() % 7 {
            case 0: return "-\(expression(depth - 1))"
            case 1: return "+(\(expression(depth - 1)))"
            default:
                let op = ["+", "-", "*", "/", "**", "^", " * "][Int(generator.next() % 7)]
                return "\(expression(depth - 1))\(op)\(expression(depth - 1))"
            }
        }
        // Windows of plain lines, and of plain lines among lines only the parser reads
        // (names, functions, errors): the recorded lines' indices and nodes follow theirs.
        let others = ["x = 2", "x * (1+2)", "sqrt(4) + 1", "1 +", "", "# note", "2 3", "ans - 1"]
        for _ in 0..<300 {
            var lines: [String] = []
            for _ in 0..<Int(generator.next() % 12 + 1) {
                lines.append(generator.next() % 4 == 0 ? others[Int(generator.next() % UInt64(others.count))] : expression(4))
            }
            expectSame(lines)
        }
    }

    @Test func aLineItCannotTakeLeavesNothing() {
        for line in ["1 + 2 * x", "1 + sqrt(4)", "(1+2", "1 + 2)", "2 3", "1 +", String(repeating: "(", count: 40) + "1" + String(repeating: ")", count: 40)] {
            var evaluator = Evaluator()
            var first = "1*2 + 3"
            first.withUTF8 { _ = evaluator.add($0) }
            let nodes = evaluator.nodes, calls = evaluator.scheduledCount
            var copy = line
            #expect(copy.withUTF8 { evaluator.record($0) } == false, "\(line)")
            #expect(evaluator.nodes == nodes && evaluator.scheduledCount == calls && evaluator.count == 1, "\(line)")
        }
    }
}
