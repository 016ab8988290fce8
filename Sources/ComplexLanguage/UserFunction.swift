/// A function the user defined, `f(z, w) = z*w - conj(w)`: Python's
/// `def f(z, w): return z*w - conj(w)`.
///
/// The body is kept parsed but not resolved: a call expands it where it stands, so its
/// free names are read, and the user functions it calls are looked up, when the call is
/// evaluated, not when the function was defined.
///
/// A class, so that a line's `Statement`, which may carry one, stays one word wide on
/// pipe mode's path, where almost no line defines anything.
public final class UserFunction: Sendable, Equatable {
    /// The function's name.
    public let name: String
    /// Its parameters' names, in order.
    public let parameters: [String]
    /// The body: its nodes in evaluation order (besides the nodes of a line it holds
    /// `.parameter`, and `.lookup` and `.call` for the user functions it calls), the
    /// names they refer to, and the node that is its value (`root`).
    let body: SyntaxTree
    /// The definition as typed, for `:vars`.
    public let source: String

    init(name: String, parameters: [String], body: SyntaxTree, source: String) {
        self.name = name
        self.parameters = parameters
        self.body = body
        self.source = source
    }

    /// How many nested user-function calls a line may make before it fails, as
    /// Python's default recursion limit: the language has no conditional, so a function
    /// that reaches it calls itself without end.
    public static let maximumCallDepth = 1000

    /// How many nodes one line may grow to as its calls are expanded (a body that
    /// calls two functions that each call two… doubles at every level).
    public static let maximumExpandedNodes = 1 << 20

    public static func == (a: UserFunction, b: UserFunction) -> Bool {
        a === b || (a.name == b.name && a.parameters == b.parameters && a.body.nodes == b.body.nodes && a.body.strings == b.body.strings
            && a.body.arguments == b.body.arguments && a.body.root == b.body.root && a.source == b.source)
    }

    /// `f() takes 1 argument, 2 given`, as Python words it.
    func arityMessage(given: Int) -> String {
        let count = parameters.count
        return "\(name)() takes \(count) argument\(count == 1 ? "" : "s"), \(given) given"
    }
}
