/// Evaluates a window of parsed lines together, handing every operation to a `Backend`.
///
/// Evaluation goes in rounds. Each round walks the unfinished lines in order and
/// collects every operation whose operands are known, in every line, into one batch
/// for the backend; a line therefore costs as many round trips as its tree is deep,
/// and the lines of a window share them. The answers are those of evaluating the
/// lines one after another, operation after operation:
/// - a line that reads a variable, `ans` or `_` waits until every earlier line of the
///   window that could set it has finished, then sees what sequential evaluation would
///   have given it (a line that failed sets nothing);
/// - a line's error is its first failing node in evaluation order, and nothing after
///   a known failure is sent.
/// A backend that does not pipeline (in-process) gets no rounds: each line is
/// evaluated in one pass, in order. The scratch storage is kept from window to window.
///
/// A line of literals and operations only, as most of pipe mode's are, is not walked:
/// each of its operations goes in the round its depth says, which comes to the same
/// batches as the walk, found once, as the line is added, where the walk looks at every
/// node again each round. A line of plain arithmetic is scheduled as it is read
/// (`ScheduleRecorder`), any other after it is parsed (`schedule(line:)`).
public struct Evaluator {
    /// A line of the window: its nodes, and how far evaluation has got.
    struct Line {
        /// Its nodes in `nodes`.
        var nodes: Range<Int>
        /// The node whose value is the line's.
        var root: Int
        var statement: SyntaxTree.Statement
        /// Every node before this one is done.
        var cursor: Int
        /// The earliest node known to have failed, and why.
        var failedNode = Int.max
        var failure: Diagnostic?
        /// Set once the line is finished: its value, or its first error.
        var result: Result<Value, Diagnostic>?
        /// True while its operations go in the rounds `schedule` gave them, not by
        /// the walk; a failure hands the line to the walk, which finishes it.
        var isScheduled = false
        /// A scheduled line's operations not yet answered: it finishes at zero.
        var unanswered = 0

        /// Keeps `diagnostic` as the line's error when `node` comes before the failures
        /// known so far: the first in evaluation order is the one reported.
        mutating func fail(node: Int, _ diagnostic: Diagnostic) {
            if node < failedNode {
                failedNode = node
                failure = diagnostic
            }
        }
    }

    /// An operation of a scheduled line: one round after the later of its operands
    /// (a literal is there from the start), as the walk would send it.
    struct ScheduledCall: Equatable {
        var node: Int32
        var line: Int32
        var lhs: Int32
        /// -1 for a unary operation.
        var rhs: Int32
        var round: Int32
        var operation: MathOperation

        /// What the kept places hold before a window writes them.
        static let filler = ScheduledCall(node: 0, line: 0, lhs: 0, rhs: -1, round: 0, operation: .add)
    }

    enum NodeState: UInt8 {
        case waiting, inFlight, done, failed
    }

    var lines: [Line] = []
    var nodes: [SyntaxTree.Node] = []
    /// The names and messages the nodes refer to.
    var strings: [String] = []
    /// Each node's value once it is done; slots past the window's nodes, and those of
    /// nodes not yet done, hold what an earlier window left (see `evaluate`).
    var values: [Value] = []
    var states: [NodeState] = []
    /// True once a line of the window waits for `evaluate`: the lines after it must too,
    /// to be computed after it.
    var hasUnfinishedLine = false
    var calls: [OperationCall] = []
    var callNodes: [Int] = []
    var callLines: [Int] = []
    var results: [Result<Value, OperationError>] = []
    /// Each node's round (`schedule(line:)`'s scratch: a literal's is 0; kept from
    /// window to window, as the pass writes a line's before it reads them).
    var rounds: [Int32] = []
    /// The scheduled operations in node order, `scheduledCalls[..<scheduledCount]`
    /// (the places after are kept from window to window, and written before they are
    /// read), then sorted by round into `byRound`, whose round `r` is
    /// `byRound[roundStarts[r]..<roundStarts[r + 1]]` (its places past the last round's
    /// end are an earlier window's).
    var scheduledCalls: [ScheduledCall] = []
    var scheduledCount = 0
    /// The latest round of the scheduled calls.
    var lastRound: Int32 = 0
    /// `record`'s scratch: the nodes of the line it reads (kept from line to line, and
    /// written before they are read).
    var recordedNodes: [SyntaxTree.Node] = []
    var byRound: [ScheduledCall] = []
    var roundStarts: [Int] = []

    public init() {}

    /// The number of lines added since the last `reset`.
    public var count: Int { lines.count }

    /// Empties the window, keeping its storage.
    public mutating func reset() {
        lines.removeAll(keepingCapacity: true)
        nodes.removeAll(keepingCapacity: true)
        strings.removeAll(keepingCapacity: true)
        states.removeAll(keepingCapacity: true)
        hasUnfinishedLine = false
        scheduledCount = 0
        lastRound = 0
    }

    /// Parses a line of UTF-8 bytes (without its newline) into the window, its calls
    /// of user functions expanded with `functions`; returns the function the line
    /// defines, if it is a definition.
    ///
    /// With `backend` given, and when it computes in-process (`pipelines` false) and
    /// every earlier line of the window is finished, a line of plain arithmetic is
    /// evaluated at once as it is read (`PlainComputation`), in the order the window
    /// would have evaluated it. Otherwise the line is scheduled for `evaluate`'s rounds
    /// as it is added.
    @discardableResult
    public mutating func add(
        _ line: UnsafeBufferPointer<UInt8>, functions: [String: UserFunction]? = nil, evaluatingWith backend: (any Backend)? = nil
    ) -> UserFunction? {
        let schedules = backend?.pipelines ?? true
        if schedules {
            if record(line) { return nil }
        } else if let backend, !hasUnfinishedLine, let result = PlainComputation.evaluate(line, backend: backend) {
            lines.append(Line(nodes: nodes.count..<nodes.count, root: 0, statement: .expression, cursor: nodes.count, result: result))
            return nil
        }
        let base = nodes.count
        do throws(Diagnostic) {
            let (statement, root, definition) = try Parser.parse(line, functions: functions, appendingTo: &nodes, strings: &strings)
            added(from: base, root: root, statement: statement)
            if schedules { schedule(line: lines.count - 1) }
            return definition
        } catch {
            add(failure: error)
        }
        return nil
    }

    /// Adds `line`, scheduled, when it is plain arithmetic (`PlainArithmetic`): its
    /// nodes, its numbers' values and its calls written as it is read; false, with
    /// nothing added, for any other line.
    mutating func record(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        // A line that starts with a name (a call, an assignment, a definition) is not
        // plain arithmetic: not tried, where trying cost such a line 250 instructions.
        let first = Lexer.firstNonBlank(line)
        if first < line.count, Lexer.isIdentifierStart(line[first]) { return false }
        let base = nodes.count
        // A node, and a call, take a byte of the line at least.
        values.grow(to: base + line.count, with: .real(0))
        scheduledCalls.grow(to: scheduledCount + line.count, with: ScheduledCall.filler)
        recordedNodes.grow(to: line.count, with: .literal(.real(0)))
        guard let recorded = Self.record(
            line, as: lines.count, from: base, nodes: &recordedNodes, values: &values, calls: &scheduledCalls, from: scheduledCount)
        else { return false }
        recordedNodes.withUnsafeBufferPointer { nodes.append(contentsOf: $0[..<recorded.nodes]) }
        let unanswered = recorded.calls - scheduledCount
        scheduledCount = recorded.calls
        lastRound = max(lastRound, recorded.lastRound)
        // A line of one number is finished; its value is in its slot.
        let result: Result<Value, Diagnostic>? = unanswered == 0 ? .success(values[recorded.root]) : nil
        if result == nil { hasUnfinishedLine = true }
        lines.append(Line(
            nodes: base..<nodes.count, root: recorded.root, statement: .expression, cursor: base, result: result, isScheduled: true,
            unanswered: unanswered))
        return true
    }

    /// `record`'s reading, on the arrays' memory: a write to an array that is a
    /// property costs a uniqueness check each. Writes the line's nodes from the start
    /// of `nodes`, numbered from `base`; returns the line's root node, how many nodes
    /// it has, where its calls end in `calls`, and their last round; nil when the line
    /// is not plain arithmetic.
    static func record(
        _ line: UnsafeBufferPointer<UInt8>, as index: Int, from base: Int, nodes: inout [SyntaxTree.Node], values: inout [Value],
        calls: inout [ScheduledCall], from first: Int
    ) -> (root: Int, nodes: Int, calls: Int, lastRound: Int32)? {
        nodes.withUnsafeMutableBufferPointer { nodes in
            values.withUnsafeMutableBufferPointer { values in
                calls.withUnsafeMutableBufferPointer { calls in
                    var recorder = ScheduleRecorder(
                        nodes: nodes.baseAddress!, base: base, values: values.baseAddress!, calls: calls.baseAddress!, count: first,
                        line: Int32(index))
                    guard let root = PlainArithmetic.read(line, into: &recorder) else { return nil }
                    return (root.node, recorder.nodeCount, recorder.count, recorder.lastRound)
                }
            }
        }
    }

    /// Adds a parsed line to the window.
    public mutating func add(_ tree: SyntaxTree) {
        let base = nodes.count, stringBase = strings.count
        strings.append(contentsOf: tree.strings)
        for node in tree.nodes {
            switch node {
            case .operation(let op, let lhs, let rhs, let offset):
                nodes.append(.operation(op, lhs: base + lhs, rhs: rhs.map { base + $0 }, offset: offset))
            case .name(let name, let offset):
                nodes.append(.name(stringBase + name, offset: offset))
            case .failure(let message, let offset):
                nodes.append(.failure(stringBase + message, offset: offset))
            case .literal, .parameter, .lookup, .call:
                nodes.append(node)  // the last three fail as unexpanded, whatever they name
            }
        }
        added(from: base, root: base + tree.root, statement: tree.statement)
        schedule(line: lines.count - 1)
    }

    /// Starts the line whose nodes were appended from `base`.
    mutating func added(from base: Int, root: Int, statement: SyntaxTree.Statement) {
        let result: Result<Value, Diagnostic>?
        switch statement {
        case .empty, .definition:
            result = .success(.real(0))  // finished; its statement says what it sets
        case .expression, .assignment:
            result = base == nodes.count ? .failure(Diagnostic("nothing to evaluate", at: 0)) : nil
        }
        if result == nil { hasUnfinishedLine = true }
        // Made in the append, not in a variable first: a line copied into the array and
        // then destroyed cost `shm`'s pipe mode 136 instructions a line.
        lines.append(Line(nodes: base..<nodes.count, root: root, statement: statement, cursor: base, result: result))
    }

    /// Adds a line that failed before evaluation (it could not be parsed): it sets nothing.
    public mutating func add(failure: Diagnostic) {
        var line = Line(nodes: nodes.count..<nodes.count, root: 0, statement: .empty, cursor: nodes.count)
        line.result = .failure(failure)
        lines.append(line)
    }

    /// Replaces the outcome of the last line added with a failure that sets nothing.
    mutating func failLastLine(_ failure: Diagnostic) {
        lines[lines.count - 1].statement = .empty
        lines[lines.count - 1].result = .failure(failure)
    }

    /// The value or error of line `index`, once `evaluate` has run.
    public func result(of index: Int) -> Result<Value, Diagnostic> {
        lines[index].result ?? .failure(Diagnostic("not evaluated", at: 0))
    }

    /// What line `index` asks for.
    public func statement(of index: Int) -> SyntaxTree.Statement {
        lines[index].statement
    }

    /// Evaluates every line of the window.
    /// - Parameter lookup: a variable's value before the window (`ans` and `_` for the
    ///   last result), or nil when it has none.
    public mutating func evaluate(backend: any Backend, lookup: (String) -> Value?) {
        // A slot for every node, made once for the window rather than line by line
        // (appending per line cost pipe mode a tenth of its instructions), and kept
        // from window to window (`reset` leaves them: refilling them cost 110
        // instructions a line). What a slot holds before its node is done is never
        // read: a node's state says when it is, and literals too start waiting, taken
        // from their node by `schedule`, or on the first walk of a line it leaves to
        // the walk.
        values.grow(to: nodes.count, with: .real(0))
        guard backend.pipelines else {
            for index in lines.indices where lines[index].result == nil {
                evaluateInPlace(line: index, backend: backend, lookup: lookup)
            }
            return
        }
        states.append(contentsOf: repeatElement(.waiting, count: nodes.count - states.count))
        let lastRound = sortScheduledCalls()
        // While every open line is scheduled and none has failed, a round is its
        // scheduled calls exactly, handed over without the batch arrays.
        var onlyScheduled = !lines.contains { $0.result == nil && !$0.isScheduled }
        var round = 1
        var firstOpen = 0
        while true {
            while firstOpen < lines.count && lines[firstOpen].result != nil { firstOpen += 1 }
            if firstOpen == lines.count { return }
            // The round's scheduled calls, merged in line order with the walk's: the
            // batch is the one the walk alone would make.
            var next = round <= lastRound ? roundStarts[round] : 0
            let end = round <= lastRound ? roundStarts[round + 1] : 0
            round += 1
            if onlyScheduled && end - next > 1 {
                onlyScheduled = Self.exchange(
                    byRound, next..<end, backend: backend, nodes: nodes, values: &values, states: &states, lines: &lines)
                continue
            }
            calls.removeAll(keepingCapacity: true)
            callNodes.removeAll(keepingCapacity: true)
            callLines.removeAll(keepingCapacity: true)
            for index in firstOpen..<lines.count where lines[index].result == nil && !lines[index].isScheduled {
                sendScheduled(from: &next, to: end, before: index)
                advance(line: index, lookup: lookup)
            }
            sendScheduled(from: &next, to: end, before: lines.count)
            if calls.isEmpty {
                // Unreachable: the first open line waits on no earlier line, so it either
                // finished or sent something. Said rather than looped on.
                for index in firstOpen..<lines.count where lines[index].result == nil {
                    lines[index].result = .failure(Diagnostic("internal error: evaluation stalled", at: 0))
                }
                continue
            }
            if calls.count == 1 {
                // One operation on its own: the backend's single call, without arrays.
                results.removeAll(keepingCapacity: true)
                do throws(OperationError) {
                    results.append(.success(try backend.apply(calls[0].operation, calls[0].a, calls[0].b)))
                } catch {
                    results.append(.failure(error))
                }
            } else {
                backend.apply(calls, into: &results)
            }
            Self.take(results, backend: backend, for: callNodes, of: callLines, nodes: nodes, values: &values, states: &states, lines: &lines)
            // Walked lines whose last operations came back finish on the next walk.
        }
    }

    /// Schedules line `index` when it is open and made only of literals and operations,
    /// putting its literals in place; any other line is left to the walk.
    ///
    /// An operation goes in the round after the later of its operands, which is when
    /// the walk would send it: it sends what is ready, and every operation of a round
    /// is answered before the next. Each of a line's rounds up to its last has an
    /// operation of it (a round-r operation has an operand of round r - 1), so an
    /// unfinished scheduled line always has something in flight. A line finishes when
    /// all of its operations are answered, not at its root: an argument a user function
    /// ignores is still computed, and may fail the line, as one line at a time would.
    mutating func schedule(line index: Int) {
        guard lines[index].result == nil else { return }
        values.grow(to: nodes.count, with: .real(0))
        rounds.grow(to: nodes.count, with: 0)
        scheduledCalls.grow(to: scheduledCount + lines[index].nodes.count, with: ScheduledCall.filler)
        guard let (last, count) = Self.schedule(
            line: index, lines[index].nodes, nodes: nodes, values: &values, rounds: &rounds, into: &scheduledCalls,
            from: scheduledCount)
        else { return }
        lines[index].isScheduled = true
        lines[index].unanswered = count - scheduledCount
        if count == scheduledCount { lines[index].result = .success(values[lines[index].root]) }
        scheduledCount = count
        lastRound = max(lastRound, last)
    }

    /// `schedule(line:)`'s pass over the line's nodes, on the arrays' memory: a write to
    /// an array that is a property costs a uniqueness check each, and the pass writes
    /// three a node. Writes the calls from `calls[first]`; returns their last round and
    /// where they end, or nil for a line it leaves to the walk.
    static func schedule(
        line index: Int, _ range: Range<Int>, nodes: [SyntaxTree.Node], values: inout [Value], rounds: inout [Int32],
        into calls: inout [ScheduledCall], from first: Int
    ) -> (lastRound: Int32, count: Int)? {
        var lastRound: Int32 = 0
        var count = first
        let scheduled = nodes.withUnsafeBufferPointer { nodes in
            values.withUnsafeMutableBufferPointer { values in
                rounds.withUnsafeMutableBufferPointer { rounds in
                    calls.withUnsafeMutableBufferPointer { calls in
                        for node in range {
                            switch nodes[node] {
                            case .literal(let value):
                                values[node] = value
                                rounds[node] = 0
                            case .operation(let op, let lhs, let rhs, _):
                                let round = max(rounds[lhs], rhs.map { rounds[$0] } ?? 0) + 1
                                rounds[node] = round
                                lastRound = max(lastRound, round)
                                calls[count] = ScheduledCall(
                                    node: Int32(node), line: Int32(index), lhs: Int32(lhs), rhs: rhs.map { Int32($0) } ?? -1,
                                    round: round, operation: op)
                                count += 1
                            default:
                                return false
                            }
                        }
                        return true
                    }
                }
            }
        }
        return scheduled ? (lastRound, count) : nil
    }

    /// Sorts the scheduled calls by round into `byRound`, keeping node order within
    /// one (a counting sort); returns the last round.
    mutating func sortScheduledCalls() -> Int {
        let lastRound = Int(lastRound), count = scheduledCount
        // (On the arrays' memory: a write per call to an array held here cost a
        // uniqueness check each.)
        roundStarts.removeAll(keepingCapacity: true)
        roundStarts.append(contentsOf: repeatElement(0, count: lastRound + 2))
        scheduledCalls.withUnsafeBufferPointer { scheduled in
            roundStarts.withUnsafeMutableBufferPointer { starts in
                for call in scheduled[..<count] { starts[Int(call.round) + 1] += 1 }
                for round in 1..<starts.count { starts[round] += starts[round - 1] }
            }
        }
        // Places for every call, kept from window to window: only those below the
        // last round's end are read, and each of them is written here first.
        byRound.grow(to: count, with: ScheduledCall.filler)
        var next = roundStarts
        scheduledCalls.withUnsafeBufferPointer { scheduled in
            next.withUnsafeMutableBufferPointer { next in
                byRound.withUnsafeMutableBufferPointer { byRound in
                    for call in scheduled[..<count] {
                        byRound[next[Int(call.round)]] = call
                        next[Int(call.round)] += 1
                    }
                }
            }
        }
        return lastRound
    }

    /// Queues the calls `byRound[next..<end]` of the scheduled lines before line
    /// `limit`; those of a line that failed, and is walked now, are skipped.
    mutating func sendScheduled(from next: inout Int, to end: Int, before limit: Int) {
        guard next < end, Int(byRound[next].line) < limit else { return }
        Self.send(
            byRound, from: &next, to: end, before: limit, lines: lines, values: values, states: &states,
            calls: &calls, callNodes: &callNodes, callLines: &callLines)
    }

    /// `sendScheduled` on the arrays' memory (see `schedule`).
    static func send(
        _ byRound: [ScheduledCall], from next: inout Int, to end: Int, before limit: Int, lines: [Line], values: [Value],
        states: inout [NodeState], calls: inout [OperationCall], callNodes: inout [Int], callLines: inout [Int]
    ) {
        byRound.withUnsafeBufferPointer { byRound in
            values.withUnsafeBufferPointer { values in
                states.withUnsafeMutableBufferPointer { states in
                    while next < end, Int(byRound[next].line) < limit {
                        let call = byRound[next]
                        next += 1
                        let line = Int(call.line)
                        guard lines[line].isScheduled else { continue }
                        calls.append(OperationCall(call.operation, values[Int(call.lhs)], call.rhs < 0 ? nil : values[Int(call.rhs)]))
                        callNodes.append(Int(call.node))
                        callLines.append(line)
                        states[Int(call.node)] = .inFlight
                    }
                }
            }
        }
    }

    /// Hands the scheduled calls `byRound[range]`, all of lines still scheduled, to the
    /// backend as one batch, and puts each answer in place as `take` does; false when
    /// one failed (its line goes to the walk, and later rounds with it).
    static func exchange(
        _ byRound: [ScheduledCall], _ range: Range<Int>, backend: any Backend, nodes: [SyntaxTree.Node], values: inout [Value],
        states: inout [NodeState], lines: inout [Line]
    ) -> Bool {
        var allAnswered = true
        byRound.withUnsafeBufferPointer { byRound in
            values.withUnsafeMutableBufferPointer { values in
                states.withUnsafeMutableBufferPointer { states in
                    lines.withUnsafeMutableBufferPointer { lines in
                        let calls = UnsafeBufferPointer(rebasing: byRound[range])
                        backend.apply(count: calls.count, call: { index in
                            let call = calls[index]
                            states[Int(call.node)] = .inFlight
                            return OperationCall(call.operation, values[Int(call.lhs)], call.rhs < 0 ? nil : values[Int(call.rhs)])
                        }, answer: { index, answer in
                            if !take(answer, node: Int(calls[index].node), line: Int(calls[index].line), nodes: nodes,
                                     values: values, states: states, lines: lines) {
                                allAnswered = false
                            }
                        })
                    }
                }
            }
        }
        return allAnswered
    }

    /// Puts a round's answers in place: a scheduled line finishes with its last one,
    /// and a failure hands its line to the walk. (On the arrays' memory, as `schedule`.)
    static func take(
        _ results: [Result<Value, OperationError>], backend: any Backend, for callNodes: [Int], of callLines: [Int],
        nodes: [SyntaxTree.Node], values: inout [Value], states: inout [NodeState], lines: inout [Line]
    ) {
        values.withUnsafeMutableBufferPointer { values in
            states.withUnsafeMutableBufferPointer { states in
                lines.withUnsafeMutableBufferPointer { lines in
                    for (index, node) in callNodes.enumerated() {
                        take(
                            backend.result(index, of: results), node: node, line: callLines[index], nodes: nodes, values: values,
                            states: states, lines: lines)
                    }
                }
            }
        }
    }

    /// Puts the answer for `node` of `line` in place: a scheduled line finishes with its
    /// last one, and a failure hands its line to the walk; false for a failure.
    @discardableResult
    static func take(
        _ answer: Result<Value, OperationError>, node: Int, line: Int, nodes: [SyntaxTree.Node],
        values: UnsafeMutableBufferPointer<Value>, states: UnsafeMutableBufferPointer<NodeState>,
        lines: UnsafeMutableBufferPointer<Line>
    ) -> Bool {
        switch answer {
        case .success(let value):
            values[node] = value
            states[node] = .done
            if lines[line].isScheduled {
                lines[line].unanswered -= 1
                if lines[line].unanswered == 0 { lines[line].result = .success(values[lines[line].root]) }
            }
            return true
        case .failure(let error):
            states[node] = .failed
            lines[line].isScheduled = false
            if case .operation(_, _, _, let offset) = nodes[node] {
                lines[line].fail(node: node, Diagnostic(error.message, at: offset))
            }
            return false
        }
    }

    /// An in-process backend: the line in one pass, each operation computed as it is
    /// met, as one line at a time would. Every earlier line is finished by then, so
    /// every name resolves at once. (One pass, not `advance`'s rounds: the rounds'
    /// bookkeeping cost `local` a tenth of its pipe-mode speed.)
    mutating func evaluateInPlace(line index: Int, backend: any Backend, lookup: (String) -> Value?) {
        let range = lines[index].nodes
        for node in range {
            switch nodes[node] {
            case .literal(let value):
                values[node] = value
            case .name(let text, let offset):
                let name = strings[text]
                guard case .value(let value) = resolve(name, before: index, lookup: lookup) else {
                    lines[index].result = .failure(Self.undefined(name, at: offset))
                    return
                }
                values[node] = value
            case .operation(let op, let lhs, let rhs, let offset):
                do throws(OperationError) {
                    values[node] = try backend.apply(op, values[lhs], rhs.map { values[$0] })
                } catch {
                    lines[index].result = .failure(Diagnostic(error.message, at: offset))
                    return
                }
            case .failure(let message, let offset):
                lines[index].result = .failure(Diagnostic(strings[message], at: offset))
                return
            case .parameter, .lookup, .call:
                lines[index].result = .failure(Self.unexpanded)
                return
            }
        }
        lines[index].result = .success(values[lines[index].root])
    }

    /// A body-only node in a line: the parser expands calls, so this cannot happen.
    static let unexpanded = Diagnostic("internal error: a user function's call was not expanded", at: 0)

    /// Moves line `index` forward: resolves the names it can, queues the operations
    /// whose operands are known, and finishes the line once nothing before its first
    /// failure is outstanding.
    mutating func advance(line index: Int, lookup: (String) -> Value?) {
        let range = lines[index].nodes
        var allDone = true
        var node = lines[index].cursor
        // Where the next walk starts, written back once: a write to `lines` per node
        // cost a uniqueness check each.
        var cursor = node
        defer { lines[index].cursor = cursor }
        while node < min(range.upperBound, lines[index].failedNode) {
            switch states[node] {
            case .done:
                if allDone { cursor = node + 1 }
            case .inFlight, .failed:
                allDone = false
            case .waiting:
                switch nodes[node] {
                case .literal(let value):
                    values[node] = value
                    states[node] = .done
                    if allDone { cursor = node + 1 }
                case .name(let text, let offset):
                    let name = strings[text]
                    switch resolve(name, before: index, lookup: lookup) {
                    case .value(let value):
                        values[node] = value
                        states[node] = .done
                        if allDone { cursor = node + 1 }
                    case .waiting:
                        allDone = false
                    case .undefined:
                        states[node] = .failed
                        lines[index].fail(node: node, Self.undefined(name, at: offset))
                    }
                case .operation(let op, let lhs, let rhs, _):
                    if states[lhs] == .done, rhs.map({ states[$0] == .done }) ?? true {
                        calls.append(OperationCall(op, values[lhs], rhs.map { values[$0] }))
                        callNodes.append(node)
                        callLines.append(index)
                        states[node] = .inFlight
                    }
                    allDone = false
                case .failure(let message, let offset):
                    states[node] = .failed
                    lines[index].fail(node: node, Diagnostic(strings[message], at: offset))
                case .parameter, .lookup, .call:
                    states[node] = .failed
                    lines[index].fail(node: node, Self.unexpanded)
                }
            }
            node += 1
        }
        guard allDone else { return }
        if let failure = lines[index].failure {
            lines[index].result = .failure(failure)
        } else {
            lines[index].result = .success(values[lines[index].root])
        }
    }

    enum Resolution {
        case value(Value)
        case waiting
        case undefined
    }

    /// What `name` holds for line `index`: set by the latest earlier line of the window
    /// that assigned it and succeeded, else what it held before the window.
    func resolve(_ name: String, before index: Int, lookup: (String) -> Value?) -> Resolution {
        let isLastResult = name == "ans" || name == "_"
        var earlier = index - 1
        while earlier >= 0 {
            let line = lines[earlier]
            earlier -= 1
            switch line.statement {
            case .expression where isLastResult: break
            case .assignment(let assigned) where !isLastResult && assigned == name: break
            default: continue
            }
            switch line.result {
            case nil: return .waiting
            case .success(let value): return .value(value)
            case .failure: continue
            }
        }
        return lookup(name).map { .value($0) } ?? .undefined
    }

    static func undefined(_ name: String, at offset: Int) -> Diagnostic {
        if name == "ans" || name == "_" {
            return Diagnostic("'\(name)' has no value yet: it holds the last result", at: offset)
        }
        if name == "j" || name == "J" || name == "i" || name == "I" {
            return Diagnostic("name '\(name)' is not defined; the imaginary unit is written 1\(name)", at: offset)
        }
        return Diagnostic("name '\(name)' is not defined (assign it first: \(name) = 1+2j)", at: offset)
    }

    /// The value of one tree on its own, e.g. one operation for a benchmark.
    public mutating func evaluate(
        _ tree: SyntaxTree,
        backend: any Backend,
        lookup: (String) -> Value?
    ) throws(Diagnostic) -> Value {
        reset()
        add(tree)
        evaluate(backend: backend, lookup: lookup)
        return try lines[0].result!.get()
    }
}

fileprivate extension Array {
    /// Appends `filler` until the array holds `count` elements; never shrinks it. The
    /// evaluator's scratch arrays are grown so, and kept from window to window, where
    /// emptying and refilling them every window cost pipe mode about 100 instructions a
    /// line each: their places are written before they are read.
    mutating func grow(to count: Int, with filler: Element) {
        if self.count < count { append(contentsOf: repeatElement(filler, count: count - self.count)) }
    }
}
