/// Plain arithmetic computed as it is read, for a backend that computes in-process
/// (`pipelines` false): no tree, no window bookkeeping.
///
/// The answers are the general path's exactly (`Parser`, then `Evaluator`): the backend
/// computes the same operations in the same order, and a line's error is its first
/// failing operation, after which nothing more is computed. A line with a name is
/// declined before any operation (`hasNoNames`); one `PlainArithmetic` finds it cannot
/// take whole further on gives nil and takes the general path, which reports it, and
/// what was computed for it before is dropped (`Backend.pipelines` says why no one sees
/// that).
package struct PlainComputation: PlainArithmeticTarget {
    let backend: any Backend
    /// The line's first failing operation; nothing is computed after it.
    var failure: Diagnostic?

    /// The line's value or its first operation's error; nil when the line is not plain
    /// arithmetic from end to end (then no operation has been sent).
    package static func evaluate(_ line: UnsafeBufferPointer<UInt8>, backend: any Backend) -> Result<Value, Diagnostic>? {
        guard hasNoNames(line) else { return nil }
        var computation = PlainComputation(backend: backend)
        guard let value = PlainArithmetic.read(line, into: &computation) else { return nil }
        if let failure = computation.failure { return .failure(failure) }
        return .success(value)
    }

    /// False when a letter stands where only a name can (a letter is a number's only
    /// after a digit or a point: `1e5`, `2j`, `.5J`): such a line is declined before
    /// anything is computed, so `sqrt(4) + x` costs no operation twice. (A comment's
    /// letters decline its line too: the general path takes it.)
    static func hasNoNames(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var previous: UInt8 = 0x20
        for byte in line {
            // Digits, spaces, operators, parentheses and the point are all below 'A'.
            if byte >= UInt8(ascii: "A") {
                let lower = byte | 0x20
                if lower &- UInt8(ascii: "a") < 26 || byte == UInt8(ascii: "_") {
                    guard lower == UInt8(ascii: "e") || lower == UInt8(ascii: "j") || lower == UInt8(ascii: "i"),
                          previous &- UInt8(ascii: "0") < 10 || previous == UInt8(ascii: ".") else { return false }
                }
            }
            previous = byte
        }
        return true
    }

    package func literal(_ value: Value) -> Value { value }

    /// The backend's answer, or, after the line's first failure, nothing computed.
    package mutating func operation(_ operation: MathOperation, _ a: Value, _ b: Value?, at offset: Int) -> Value {
        guard failure == nil else { return a }
        do throws(OperationError) {
            return try backend.apply(operation, a, b)
        } catch {
            failure = Diagnostic(error.message, at: offset)
            return a
        }
    }
}
