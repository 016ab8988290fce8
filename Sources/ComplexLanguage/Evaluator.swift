/// Evaluates a `SyntaxTree`, handing every operation to a `Backend`.
///
/// Nodes come in evaluation order, so one forward loop computes them all; the scratch
/// storage is kept between lines.
public struct Evaluator {
    var values: [Value] = []

    public init() {}

    /// The value of the tree's last node.
    /// - Parameter lookup: resolves a variable name, or returns nil when it is unknown.
    public mutating func evaluate(
        _ tree: SyntaxTree,
        backend: any Backend,
        lookup: (String) -> Value?
    ) throws(Diagnostic) -> Value {
        values.removeAll(keepingCapacity: true)
        for node in tree.nodes {
            switch node {
            case .literal(let value):
                values.append(value)
            case .name(let name, let offset):
                guard let value = lookup(name) else {
                    if name == "ans" || name == "_" {
                        throw Diagnostic("'\(name)' has no value yet: it holds the last result", at: offset)
                    }
                    if name == "j" || name == "J" || name == "i" || name == "I" {
                        throw Diagnostic("name '\(name)' is not defined; the imaginary unit is written 1\(name)", at: offset)
                    }
                    throw Diagnostic("name '\(name)' is not defined (assign it first: \(name) = 1+2j)", at: offset)
                }
                values.append(value)
            case .operation(let op, let lhs, let rhs, let offset):
                do throws(OperationError) {
                    let result = try backend.apply(op, values[lhs], rhs.map { values[$0] })
                    values.append(result)
                } catch {
                    throw Diagnostic(error.message, at: offset)
                }
            }
        }
        guard let result = values.last else {
            throw Diagnostic("nothing to evaluate", at: 0)
        }
        return result
    }
}
