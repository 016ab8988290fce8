/// A parsed line: its nodes in evaluation order (every operand before the operation
/// that uses it), so evaluation is one loop with no recursion, however deep the tree.
public struct SyntaxTree: Sendable {
    /// One node of the tree. Operands refer to earlier nodes by index.
    public enum Node: Sendable, Equatable {
        /// A number or constant, already folded to its value.
        case literal(Value)
        /// A variable, `ans` or `_`, looked up at evaluation time.
        case name(String, offset: Int)
        /// An operation on one or two earlier nodes; `offset` locates its operator.
        case operation(MathOperation, lhs: Int, rhs: Int?, offset: Int)
    }

    /// What the line asks for.
    public enum Statement: Sendable, Equatable {
        /// A blank line or a comment.
        case empty
        /// Evaluate and print; the last node is the result.
        case expression
        /// `name = expression`; the last node is the value.
        case assignment(String)
    }

    public internal(set) var nodes: [Node] = []
    public internal(set) var statement: Statement = .empty

    public init() {}

    /// A tree built directly, e.g. one operation on literal operands for a benchmark.
    public init(nodes: [Node], statement: Statement) {
        self.nodes = nodes
        self.statement = statement
    }
}
