/// A parsed line: its nodes in evaluation order (every operand before the operation
/// that uses it), so evaluation is one loop with no recursion, however deep the tree.
/// A call of a user function is expanded where it stands: its arguments' nodes, then
/// its body's, with the parameters read from the arguments.
public struct SyntaxTree: Sendable {
    /// One node of the tree. Operands refer to earlier nodes by index; names and
    /// messages are the tree's `strings`, by index too, so that a node is plain bits,
    /// copied and dropped with no reference counting (pipe mode makes and drops
    /// millions: dropping a window's nodes one by one, for their `String`s, had cost a
    /// twentieth of the `shm` client's instructions).
    public enum Node: Sendable, Equatable {
        /// A number or constant, already folded to its value.
        case literal(Value)
        /// A variable, `ans` or `_` (`strings[name]`), looked up at evaluation time.
        case name(Int, offset: Int)
        /// An operation on one or two earlier nodes; `offset` locates its operator.
        case operation(MathOperation, lhs: Int, rhs: Int?, offset: Int)
        /// Fails with `strings[message]` when evaluation reaches it: a call that cannot
        /// be made (an unknown function, the wrong number of arguments, recursion
        /// without end), found as the call was expanded. Nothing after it in the line
        /// is evaluated.
        case failure(Int, offset: Int)
        /// In a user function's body only: its parameter at this position.
        case parameter(Int)
        /// In a user function's body only: the user function that a call further on
        /// names (`strings[name]`) is looked up here, before its arguments, as Python
        /// looks up a callee.
        case lookup(Int, offset: Int)
        /// In a user function's body only: a call of the user function `strings[name]`
        /// on the nodes `arguments[arguments]`.
        case call(Int, arguments: Range<Int>, offset: Int)
    }

    /// What the line asks for.
    public enum Statement: Sendable, Equatable {
        /// A blank line or a comment.
        case empty
        /// Evaluate and print; `root` is the result.
        case expression
        /// `name = expression`; `root` is the value.
        case assignment(String)
        /// `f(z) = expression`: defines (or replaces) the tree's `definition`; the line
        /// has no nodes. (No payload here: a statement is copied for every line of pipe
        /// mode, and a payload of another type would make every copy dearer.)
        case definition
    }

    public internal(set) var nodes: [Node] = []
    /// The names and messages the nodes refer to.
    public internal(set) var strings: [String] = []
    /// The argument nodes of the `.call`s, which refer to ranges of it.
    public internal(set) var arguments: [Int] = []
    public internal(set) var statement: Statement = .empty
    /// The node whose value the line gives (meaningful for expressions and assignments).
    public internal(set) var root: Int = 0
    /// The function a `.definition` defines.
    public internal(set) var definition: UserFunction?

    public init() {}

    /// A tree built directly, e.g. one operation on literal operands for a benchmark;
    /// its last node is its value.
    public init(nodes: [Node], statement: Statement) {
        self.nodes = nodes
        self.statement = statement
        self.root = nodes.count - 1
    }
}
