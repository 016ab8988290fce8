import ComplexLanguage
import ComplexWire

/// A client's connection to complex-server, as the `ipc` and `http` backends share it:
/// connect on first use (starting the default server if need be), many requests in
/// flight, replies read as they arrive (by the transport's `WireFraming`), and
/// `ClientPolicy`'s deadline, cap and rule for a connection that goes away.
///
/// Requests are written in batches of up to `depth` in one `send`, and topped up once a
/// quarter of them are answered, so a long batch costs few system calls on either side
/// while the bytes in flight stay far below the socket buffers (a client that writes
/// everything before reading would stall against the server's backpressure). Topping
/// up at a half, three quarters or all but one measured 0.51, 0.52–0.53 and 0.44–0.47
/// M ops/s over `ipc` with 64 in flight (`complex-repl bench`, two alternations).
package final class ServerConnection<Framing: WireFraming> {
    /// The backend's name and what it talks to (`complex-server at PATH`, or a
    /// command), for messages.
    let backend: String
    let peer: String
    /// What happens after the connection is lost, for messages.
    let recovery: String
    /// Opens a connection, starting the server if that is the backend's rule.
    let open: () throws(OperationError) -> BlockingStream
    /// The most requests in flight at once.
    let depth: Int
    /// Requests are topped up to `depth` once no more than this many are in flight.
    let refillBelow: Int
    let policy: ClientPolicy
    var framing: Framing
    var socket: BlockingStream?
    var request: [UInt8] = []
    var received: [UInt8] = []
    var receivedCount = 0

    package init(
        backend: String, address: String, framing: Framing, depth: Int, policy: ClientPolicy,
        peer: String? = nil, recovery: String = "the next operation reconnects",
        open: @escaping () throws(OperationError) -> BlockingStream
    ) {
        self.backend = backend
        self.peer = peer ?? "complex-server at \(address)"
        self.recovery = recovery
        self.framing = framing
        self.depth = max(depth, 1)
        self.refillBelow = self.depth * 3 / 4
        self.policy = policy
        self.open = open
    }

    /// One operation: a batch of one, without an array.
    package func call(_ call: OperationCall) throws(OperationError) -> Value {
        var answer: Result<Value, OperationError>?
        exchange(count: 1, call: { _ in call }, answer: { _, result in answer = result })
        return try answer!.get()  // `exchange` answers every call exactly once
    }

    /// Many operations; `results` is replaced by their answers, in order.
    package func call(_ calls: [OperationCall], into results: inout [Result<Value, OperationError>]) {
        results.removeAll(keepingCapacity: true)
        exchange(count: calls.count, call: { calls[$0] }, answer: { _, result in results.append(result) })
    }

    /// Sends calls `0..<count` and hands `answer` each one's result, in order, exactly
    /// once, with `ClientPolicy`'s rule for a connection that goes away.
    package func exchange(
        count: Int, call: (Int) -> OperationCall, answer: (Int, Result<Value, OperationError>) -> Void
    ) {
        var connection: BlockingStream!
        ClientPolicy.exchange(
            count: count, backend: backend, peer: peer, recovery: recovery,
            isConnected: { socket != nil },
            connect: { () throws(OperationError) in connection = try connected() },
            serve: { (answered: inout Int) throws(ClientPolicy.Lost) in
                try serve(count: count, on: connection, answered: &answered, call: call, answer: answer)
            },
            disconnect: disconnect,
            answer: answer)
    }

    /// Sends and reads on `connection` until every call is answered; a reply that says
    /// the connection ends (or is out of step) closes it after the calls it answered.
    func serve(
        count: Int, on connection: BlockingStream, answered: inout Int,
        call: (Int) -> OperationCall, answer: (Int, Result<Value, OperationError>) -> Void
    ) throws(ClientPolicy.Lost) {
        var sent = answered
        var closing = false
        while answered < count && !closing {
            do throws(BlockingStream.Failure) {
                if sent < count && sent - answered <= refillBelow {
                    request.removeAll(keepingCapacity: true)
                    let end = min(count, answered + depth)
                    while sent < end {
                        framing.appendRequest(call(sent), to: &request)
                        sent += 1
                    }
                    try connection.send(request)
                }
                let n = try connection.receive(into: &received, after: receivedCount)
                if n == 0 { throw connection.closed }
                receivedCount += n
            } catch {
                throw ClientPolicy.Lost(reason: error.reason, peerClosed: error.peerClosed)
            }
            do throws(FramingError) {
                try framing.takeReplies(from: &received, count: &receivedCount) { reply, keepAlive in
                    answer(answered, value(of: reply))
                    answered += 1
                    if case .failure = reply { closing = true }  // out of step: start afresh
                    if !keepAlive { closing = true }
                    return !closing && answered < sent
                }
            } catch {
                throw ClientPolicy.Lost(reason: "its replies are not the protocol's: \(error.reason)", peerClosed: false)
            }
        }
        if closing { disconnect() }
    }

    /// A reply as the language sees it.
    func value(of reply: Result<WireResponse, WireError>) -> Result<Value, OperationError> {
        switch reply {
        case .success(.result(let value)): return .success(value)
        case .success(.failure(let code, let message)): return .failure(code.operationError(message: message))
        case .failure(let error):
            return .failure(.backendFailure("\(backend): \(peer) sent a reply that is not the protocol's (\(error.message))"))
        }
    }

    func connected() throws(OperationError) -> BlockingStream {
        if let socket { return socket }
        let fresh = try open()
        fresh.spinMicroseconds = policy.spinMicroseconds
        framing.reset()
        receivedCount = 0
        socket = fresh
        return fresh
    }

    func disconnect() {
        socket = nil
        receivedCount = 0
    }
}
