/// Runs lines of the language against a backend, keeping variables and the last result.
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

    var tree = SyntaxTree()
    var evaluator = Evaluator()

    public init(backend: any Backend) {
        self.backend = backend
    }

    /// Parses and evaluates one line of UTF-8 bytes (without its newline).
    public func execute(_ line: UnsafeBufferPointer<UInt8>) throws(Diagnostic) -> Outcome {
        try Parser.parse(line, into: &tree)
        if case .empty = tree.statement { return .nothing }
        let value = try evaluator.evaluate(tree, backend: backend) { [variables, lastResult] name in
            if name == "ans" || name == "_" { return lastResult }
            return variables[name]
        }
        if case .assignment(let name) = tree.statement {
            variables[name] = value
            return .assigned(name, value)
        }
        lastResult = value
        return .value(value)
    }

    /// Parses and evaluates one line.
    public func execute(_ line: String) throws(Diagnostic) -> Outcome {
        var copy = line
        let result: Result<Outcome, Diagnostic> = copy.withUTF8 { buffer in
            do throws(Diagnostic) {
                return .success(try execute(buffer))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
