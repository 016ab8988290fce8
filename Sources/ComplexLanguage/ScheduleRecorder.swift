/// `PlainArithmetic`'s target for a backend that pipelines: writes a line's nodes into
/// an `Evaluator`'s window, each number's value into its node's slot, and each
/// operation as a call in the round after the later of its operands, which is what
/// `Evaluator.schedule(line:)` would find from the nodes afterwards. The rounds travel
/// with the operands; no pass over the nodes, no token, no tree.
struct ScheduleRecorder: PlainArithmeticTarget {
    /// A number's node or an operation's, and the round its value is known after.
    struct Operand {
        var node: Int
        var round: Int32
    }

    /// The line's nodes, from the first, with a place for every node it can have:
    /// the window takes them in one append when the line is read whole (an append a
    /// node cost each a uniqueness and a capacity check).
    let nodes: UnsafeMutablePointer<SyntaxTree.Node>
    /// The window's index of the line's first node.
    let base: Int
    /// How many nodes the line has so far.
    var nodeCount = 0
    /// The window's value slots, with a place for every node the line can have.
    let values: UnsafeMutablePointer<Value>
    /// The window's scheduled calls, with a place for every call the line can have.
    let calls: UnsafeMutablePointer<Evaluator.ScheduledCall>
    /// Where the next call goes in `calls`.
    var count: Int
    /// The line's index in the window.
    let line: Int32
    /// The latest round of the line's calls.
    var lastRound: Int32 = 0

    mutating func literal(_ value: Value) -> Operand {
        let node = base + nodeCount
        values[node] = value
        nodes[nodeCount] = .literal(value)
        nodeCount += 1
        return Operand(node: node, round: 0)
    }

    mutating func operation(_ operation: MathOperation, _ a: Operand, _ b: Operand?, at offset: Int) -> Operand {
        let node = base + nodeCount
        nodes[nodeCount] = .operation(operation, lhs: a.node, rhs: b?.node, offset: offset)
        nodeCount += 1
        let round = max(a.round, b?.round ?? 0) + 1
        lastRound = max(lastRound, round)
        calls[count] = Evaluator.ScheduledCall(
            node: Int32(node), line: line, lhs: Int32(a.node), rhs: b.map { Int32($0.node) } ?? -1, round: round, operation: operation)
        count += 1
        return Operand(node: node, round: round)
    }
}
