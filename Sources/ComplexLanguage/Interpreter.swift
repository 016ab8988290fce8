/// Runs lines of the language against a backend, keeping variables and the last result.
///
/// Lines can be run one at a time (`execute`) or queued and run as a window
/// (`enqueue`, then `runQueued`): the window's operations share the backend's round
/// trips, and the outcomes are exactly those of running the lines one at a time.
public final class Interpreter {
    /// What running a line produced.
    public enum Outcome: Sendable, Equatable {
        /// A blank line or a comment.
        case nothing
        /// An expression's value (also stored in `ans` and `_`).
        case value(Value)
        /// An assignment; prints nothing.
        case assigned(String, Value)
    }

    /// Where operations are computed; may be switched between lines.
    public var backend: any Backend
    /// User variables, by name.
    public private(set) var variables: [String: Value] = [:]
    /// The last expression's value, read as `ans` or `_`.
    public private(set) var lastResult: Value?

    var evaluator = Evaluator()

    public init(backend: any Backend) {
        self.backend = backend
    }

    /// The number of lines queued and not yet run.
    public var queuedCount: Int { evaluator.count }

    /// Parses one line of UTF-8 bytes (without its newline) and queues it.
    public func enqueue(_ line: UnsafeBufferPointer<UInt8>) {
        evaluator.add(line)
    }

    /// Evaluates the queued lines together, then commits their outcomes in order:
    /// `report` gets each line's index in the queue and its outcome.
    public func runQueued(_ report: (Int, Result<Outcome, Diagnostic>) -> Void) {
        evaluator.evaluate(backend: backend) { [variables, lastResult] name in
            if name == "ans" || name == "_" { return lastResult }
            return variables[name]
        }
        for index in 0..<evaluator.count {
            switch evaluator.result(of: index) {
            case .failure(let error):
                report(index, .failure(error))
            case .success(let value):
                switch evaluator.statement(of: index) {
                case .empty:
                    report(index, .success(.nothing))
                case .expression:
                    lastResult = value
                    report(index, .success(.value(value)))
                case .assignment(let name):
                    variables[name] = value
                    report(index, .success(.assigned(name, value)))
                }
            }
        }
        evaluator.reset()
    }

    /// Parses and evaluates one line of UTF-8 bytes (without its newline), together
    /// with any lines already queued.
    public func execute(_ line: UnsafeBufferPointer<UInt8>) throws(Diagnostic) -> Outcome {
        enqueue(line)
        let last = evaluator.count - 1
        var outcome: Result<Outcome, Diagnostic> = .success(.nothing)
        runQueued { index, result in
            if index == last { outcome = result }
        }
        return try outcome.get()
    }

    /// Parses and evaluates one line.
    public func execute(_ line: String) throws(Diagnostic) -> Outcome {
        try line.withUTF8Bytes { (buffer) throws(Diagnostic) in try execute(buffer) }
    }
}
