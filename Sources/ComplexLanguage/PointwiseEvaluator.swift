/// Evaluates one tree at many values of one of its literals, e.g. a plot's expression
/// at every point of a band of pixels: node after node, every point's operation on that
/// node goes to the backend in one batch.
///
/// The outcome at each point is exactly `Evaluator`'s for that point's line: the same
/// operations in the same order, and nothing after the point's first failure is sent.
/// What differs is the bookkeeping: the tree is the same everywhere, so there are no
/// rounds to discover what is ready (node `k` is ready once node `k − 1` is done), and a
/// batch is as wide as the band, not as the window's ready set.
public struct PointwiseEvaluator {
    var values: [Value] = []
    /// Per point: the first node that failed, or `Int.max`.
    var failedNode: [Int] = []
    var calls: [OperationCall] = []
    var callPoints: [Int] = []
    var results: [Result<Value, OperationError>] = []
    /// Operations handed to the backend since the evaluator was made.
    public private(set) var operationCount = 0
    /// The last `evaluate`'s first `.backendFailure`: the backend, not the arithmetic, failed.
    public private(set) var backendFailure: OperationError?

    public init() {}

    /// Evaluates `tree` once per value of `points`, node `replaced` (a literal) holding
    /// the point; `outcomes` gets each point's value, or nil where it failed.
    /// - Parameter lookup: a free name's value (`ans` and `_` for the last result).
    public mutating func evaluate(
        _ tree: SyntaxTree, replacingNode replaced: Int, with points: [Value],
        backend: any Backend, lookup: (String) -> Value?, into outcomes: inout [Value?]
    ) {
        let count = points.count
        values.removeAll(keepingCapacity: true)
        values.reserveCapacity(tree.nodes.count * count)
        failedNode.removeAll(keepingCapacity: true)
        failedNode.append(contentsOf: repeatElement(Int.max, count: count))
        backendFailure = nil
        for (node, kind) in tree.nodes.enumerated() {
            switch kind {
            case .literal(let value):
                if node == replaced {
                    values.append(contentsOf: points)
                } else {
                    values.append(contentsOf: repeatElement(value, count: count))
                }
            case .name(let name, _):
                if let value = lookup(tree.strings[name]) {
                    values.append(contentsOf: repeatElement(value, count: count))
                } else {
                    failAll(at: node, count: count)
                }
            case .operation(let op, let lhs, let rhs, _):
                values.append(contentsOf: repeatElement(.real(0), count: count))
                calls.removeAll(keepingCapacity: true)
                callPoints.removeAll(keepingCapacity: true)
                for point in 0..<count where failedNode[point] == .max {
                    calls.append(OperationCall(op, values[lhs * count + point], rhs.map { values[$0 * count + point] }))
                    callPoints.append(point)
                }
                guard !calls.isEmpty else { continue }
                operationCount += calls.count
                backend.apply(calls, into: &results)
                for (index, point) in callPoints.enumerated() {
                    switch backend.result(index, of: results) {
                    case .success(let value):
                        values[node * count + point] = value
                    case .failure(let error):
                        if case .backendFailure = error, backendFailure == nil { backendFailure = error }
                        failedNode[point] = node
                    }
                }
            case .failure, .parameter, .lookup, .call:
                failAll(at: node, count: count)
            }
        }
        outcomes.removeAll(keepingCapacity: true)
        let root = tree.root
        for point in 0..<count {
            outcomes.append(failedNode[point] == .max ? values[root * count + point] : nil)
        }
    }

    mutating func failAll(at node: Int, count: Int) {
        values.append(contentsOf: repeatElement(.real(0), count: count))
        for point in 0..<count where failedNode[point] == .max { failedNode[point] = node }
    }
}
