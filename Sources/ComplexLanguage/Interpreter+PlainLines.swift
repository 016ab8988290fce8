extension Interpreter {
    /// Evaluates lines of plain arithmetic (`PlainComputation`: numbers, operators and
    /// parentheses) from the first, which starts at `start` in `text` (each ends at its
    /// offset in `ends`, where the next starts), appending each value as `formatter`
    /// prints it and a newline to `out`, and stops at the first line that is not plain
    /// arithmetic or fails. A blank line prints nothing and is taken. Returns how many
    /// lines were taken, the last value, and the error of the line it stopped at if
    /// that line failed (its operations are done: the caller reports it and goes on
    /// after it).
    ///
    /// No interpreter is needed: such a line reads nothing an earlier line sets and sets
    /// nothing but the last result. The caller runs the line it stopped at through its
    /// interpreter, after `recordResult(_:)` of the last value, unless it failed. So the
    /// parts of a window can be taken this way on several threads at once, when the
    /// backend `allowsConcurrentCalls`. The backend must not pipeline: a line found
    /// malformed further on drops what was computed for it (`Backend.pipelines`).
    package static func evaluatePlainLines(
        _ text: UnsafeBufferPointer<UInt8>, from start: Int = 0, ends: UnsafeBufferPointer<Int>, backend: any Backend,
        formatter: inout ValueFormatter, appendingTo out: inout [UInt8]
    ) -> (taken: Int, last: Value?, failure: Diagnostic?) {
        var last: Value?
        var start = start
        for (index, end) in ends.enumerated() {
            let line = UnsafeBufferPointer(rebasing: text[start..<end])
            switch PlainComputation.evaluate(line, backend: backend) {
            case .success(let value)?:
                formatter.append(value, to: &out)
                out.append(0x0A)
                last = value
            case .failure(let failure)?:
                return (index, last, failure)
            case nil where isBlank(line):
                break
            case nil:
                return (index, last, nil)
            }
            start = end
        }
        return (ends.count, last, nil)
    }

    /// True for a line of spaces, tabs and carriage returns only: the lexer's blanks.
    static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }

    /// Records `value` as the last result (`ans`, `_`): the value of the last line
    /// `evaluatePlainLines` took, as if this interpreter had run it.
    package func recordResult(_ value: Value) {
        lastResult = value
    }
}
