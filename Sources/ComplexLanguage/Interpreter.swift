/// Runs lines of the language against a backend, keeping variables, the user's
/// functions and the last result.
///
/// Lines can be run one at a time (`execute`) or queued and run as a window
/// (`enqueue`, then `runQueued`): the window's operations share the backend's round
/// trips, and the outcomes are exactly those of running the lines one at a time.
///
/// A definition takes effect before the lines after it are parsed, since they expand
/// its calls: a window is evaluated in segments, each definition starting a new one.
/// A line that calls a function waits, as any line does, only for the earlier lines
/// that set the names its body reads.
public final class Interpreter {
    /// What running a line produced.
    public enum Outcome: Sendable, Equatable {
        /// A blank line or a comment.
        case nothing
        /// An expression's value (also stored in `ans` and `_`).
        case value(Value)
        /// An assignment; prints nothing.
        case assigned(String, Value)
        /// A function definition; prints nothing.
        case defined(UserFunction)
    }

    /// Where operations are computed; may be switched between lines.
    public var backend: any Backend
    /// User variables, by name.
    public private(set) var variables: [String: Value] = [:]
    /// User functions, by name.
    public private(set) var functions: [String: UserFunction] = [:]
    /// The last expression's value, read as `ans` or `_`.
    public internal(set) var lastResult: Value?

    var evaluator = Evaluator()
    /// Lines queued after a definition that was not first in its window: they wait, as
    /// bytes, until the lines before the definition have run.
    var heldText: [UInt8] = []
    var heldEnds: [Int] = []
    /// The queue index of the evaluator's first line.
    var segmentStart = 0
    /// The functions the segment's definitions define, by the evaluator's line index.
    var definitions: [Int: UserFunction] = [:]

    public init(backend: any Backend) {
        self.backend = backend
    }

    /// Parses one line of UTF-8 bytes (without its newline) and queues it.
    public func enqueue(_ line: UnsafeBufferPointer<UInt8>) {
        if !heldEnds.isEmpty || (evaluator.count > 0 && Parser.definesFunction(line)) {
            heldText.append(contentsOf: line)
            heldEnds.append(heldText.count)
            return
        }
        add(line)
    }

    /// Adds a line to the evaluator; a definition (first in its segment, so every
    /// earlier line is committed) takes effect at once.
    func add(_ line: UnsafeBufferPointer<UInt8>) {
        guard let function = evaluator.add(line, functions: functions.isEmpty ? nil : functions, evaluatingWith: backend) else { return }
        if variables[function.name] != nil {
            let start = line.prefix(while: { $0 == 0x20 || $0 == 0x09 }).count
            evaluator.failLastLine(Diagnostic("cannot define '\(function.name)' as a function: it is a variable; choose another name", at: start))
        } else {
            functions[function.name] = function
            definitions[evaluator.count - 1] = function
        }
    }

    /// Evaluates the queued lines together, then commits their outcomes in order:
    /// `report` gets each line's index in the queue and its outcome.
    public func runQueued(_ report: (Int, Result<Outcome, Diagnostic>) -> Void) {
        while true {
            runSegment(report)
            guard !heldEnds.isEmpty else { break }
            let text = heldText, ends = heldEnds
            heldText.removeAll(keepingCapacity: true)
            heldEnds.removeAll(keepingCapacity: true)
            text.withUnsafeBufferPointer { all in
                var start = 0
                for end in ends {
                    enqueue(UnsafeBufferPointer(rebasing: all[start..<end]))
                    start = end
                }
            }
        }
        segmentStart = 0
    }

    func runSegment(_ report: (Int, Result<Outcome, Diagnostic>) -> Void) {
        evaluator.evaluate(backend: backend) { [variables, lastResult] name in
            if name == "ans" || name == "_" { return lastResult }
            return variables[name]
        }
        for index in 0..<evaluator.count {
            switch evaluator.result(of: index) {
            case .failure(let error):
                report(segmentStart + index, .failure(error))
            case .success(let value):
                switch evaluator.statement(of: index) {
                case .empty:
                    report(segmentStart + index, .success(.nothing))
                case .expression:
                    lastResult = value
                    report(segmentStart + index, .success(.value(value)))
                case .assignment(let name):
                    variables[name] = value
                    report(segmentStart + index, .success(.assigned(name, value)))
                case .definition:
                    report(segmentStart + index, .success(.defined(definitions[index]!)))
                }
            }
        }
        segmentStart += evaluator.count
        evaluator.reset()
        definitions.removeAll()
    }

    /// Parses and evaluates one line of UTF-8 bytes (without its newline), together
    /// with any lines already queued.
    public func execute(_ line: UnsafeBufferPointer<UInt8>) throws(Diagnostic) -> Outcome {
        let last = segmentStart + evaluator.count + heldEnds.count
        enqueue(line)
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
