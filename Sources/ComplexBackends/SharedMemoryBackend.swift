import ComplexLanguage
import ComplexWire
import Glibc

/// Sends every operation to complex-server through shared memory: a request ring and a
/// reply ring in a region both processes map (docs/PROTOCOL.md, "Shared memory"), set
/// up over the Unix socket, which then stays open as the channel's lifeline.
///
/// A call writes its slot, publishes it, and polls the reply ring; only a side that
/// has polled for a while goes to sleep on a futex, and only a sleeper is woken with
/// a system call, so a busy stream makes none.
package final class SharedMemoryBackend: Backend, RegisteredBackend {
    package static let registryName = "shm"
    package static let help = "complex-server through shared memory, set up over its Unix socket; ARG: socket path (default one auto-starts a server)"
    package static let argumentKind: BackendArgumentKind? = .socket

    package var name: String { Self.registryName }
    package var summary: String { "shm (\(address.path))" }
    /// Batches fill the ring, so the server computes while the client writes and reads:
    /// pipe mode over 10,000 lines ran at 430–650k lines/s with batches and 280–460k
    /// with one call at a time (`bench --pipe`, three alternations).
    package var pipelines: Bool { true }

    /// How long a sleeping client sleeps before it looks at its lifeline again: the
    /// longest it takes to notice a server that died without a word.
    static let lifelineCheckNanoseconds: Int64 = 100_000_000

    let address: SocketServerAddress
    var path: String { address.path }
    /// What the messages name: made once, not on every call's path.
    let peer: String
    let configuration: BackendConfiguration
    /// The most requests unanswered at once.
    let depth: UInt32
    let spinNanoseconds: UInt64
    var lifeline: BlockingStream?
    var region: SharedMemoryRegion?
    /// Requests published on this channel, and replies read, modulo 2³².
    var sent: UInt32 = 0
    var answered: UInt32 = 0

    init(address: SocketServerAddress, configuration: BackendConfiguration) {
        self.address = address
        self.peer = "complex-server at \(address.path)"
        self.configuration = configuration
        self.depth = UInt32(min(max(configuration.depth, 1), SharedMemoryLayout.slotCount))
        self.spinNanoseconds = ClientPolicy(environment: configuration.environment).spinMicroseconds * 1000
    }

    package static func make(_ configuration: BackendConfiguration) throws(BackendError) -> any Backend {
        SharedMemoryBackend(address: try SocketServerAddress(configuration, backend: registryName), configuration: configuration)
    }

    package func apply(_ operation: MathOperation, _ a: Value, _ b: Value?) throws(OperationError) -> Value {
        var answer: Result<Value, OperationError>?
        exchange(count: 1, call: { _ in OperationCall(operation, a, b) }, answer: { _, result in answer = result })
        return try answer!.get()  // `exchange` answers every call exactly once
    }

    package func apply(_ calls: [OperationCall], into results: inout [Result<Value, OperationError>]) {
        results.removeAll(keepingCapacity: true)
        exchange(count: calls.count, call: { calls[$0] }, answer: { _, result in results.append(result) })
    }

    package func apply(count: Int, call: (Int) -> OperationCall, answer: (Int, Result<Value, OperationError>) -> Void) {
        exchange(count: count, call: call, answer: answer)
    }

    /// Sends calls `0..<count` and hands `answer` each one's result, in order, exactly
    /// once, with `ClientPolicy`'s rule for a channel that goes away (as a connection).
    func exchange(count: Int, call: (Int) -> OperationCall, answer: (Int, Result<Value, OperationError>) -> Void) {
        var channel: SharedMemoryRegion!
        ClientPolicy.exchange(
            count: count, backend: Self.registryName, peer: peer,
            isConnected: { region != nil },
            connect: { () throws(OperationError) in channel = try connected() },
            serve: { (done: inout Int) throws(ClientPolicy.Lost) in try serve(count: count, on: channel, done: &done, call: call, answer: answer) },
            disconnect: disconnect,
            answer: answer)
    }

    /// Publishes requests and reads replies on `region` until every call is answered.
    func serve(
        count: Int, on region: SharedMemoryRegion, done: inout Int,
        call: (Int) -> OperationCall, answer: (Int, Result<Value, OperationError>) -> Void
    ) throws(ClientPolicy.Lost) {
        var next = done
        if region.load(SharedMemoryLayout.closedOffset) != 0 {
            throw ClientPolicy.Lost(reason: "the server closed the channel", peerClosed: true)
        }
        while done < count {
            if next < count && sent &- answered < depth {
                while next < count && sent &- answered < depth {
                    SharedMemorySlot.writeRequest(call(next), to: region.requestSlot(sent))
                    sent &+= 1
                    next += 1
                }
                region.storeFenced(SharedMemoryLayout.requestHeadOffset, sent)
                if region.load(SharedMemoryLayout.serverSleepingOffset) != 0 {
                    region.storeFenced(SharedMemoryLayout.serverSleepingOffset, 0)
                    region.wake(SharedMemoryLayout.serverSleepingOffset)
                }
            }
            let head = try awaitReplies(region)
            guard head &- answered <= sent &- answered else {
                throw ClientPolicy.Lost(reason: "the server's reply count \(head) is past its requests", peerClosed: false)
            }
            while answered != head {
                answer(done, SharedMemorySlot.readReply(from: region.replySlot(answered)))
                answered &+= 1
                done += 1
            }
        }
    }

    /// The server's reply count once it passes `answered`: polled for `spinNanoseconds`,
    /// then slept for, looking at the lifeline before each sleep.
    func awaitReplies(_ region: SharedMemoryRegion) throws(ClientPolicy.Lost) -> UInt32 {
        if let head = region.poll(SharedMemoryLayout.replyHeadOffset, whileEqualTo: answered, nanoseconds: spinNanoseconds) {
            return head
        }
        var head: UInt32
        let deadline = SharedMemoryRegion.monotonicNanoseconds() + UInt64(ClientPolicy.replyTimeoutSeconds) * 1_000_000_000
        while true {
            try checkLifeline(region)
            // Say we sleep, then look once more: the server publishes, then looks
            // whether we sleep, so one of the two sees the other.
            region.storeFenced(SharedMemoryLayout.clientSleepingOffset, 1)
            head = region.load(SharedMemoryLayout.replyHeadOffset)
            if head == answered {
                region.wait(SharedMemoryLayout.clientSleepingOffset, while: 1, nanoseconds: Self.lifelineCheckNanoseconds)
                head = region.load(SharedMemoryLayout.replyHeadOffset)
            }
            region.store(SharedMemoryLayout.clientSleepingOffset, 0)
            if head != answered { return head }
            if SharedMemoryRegion.monotonicNanoseconds() > deadline {
                throw ClientPolicy.Lost(reason: "no reply within \(ClientPolicy.replyTimeoutSeconds) s", peerClosed: false)
            }
        }
    }

    /// Fails when the server gave the channel up or its connection is gone.
    func checkLifeline(_ region: SharedMemoryRegion) throws(ClientPolicy.Lost) {
        if region.load(SharedMemoryLayout.closedOffset) != 0 {
            throw ClientPolicy.Lost(reason: "the server closed the channel", peerClosed: true)
        }
        guard let lifeline else { throw ClientPolicy.Lost(reason: "no connection", peerClosed: true) }
        if lifeline.peerHasClosed() {
            throw ClientPolicy.Lost(reason: "the server closed the connection", peerClosed: true)
        }
    }

    /// The channel's region, set up first if need be.
    func connected() throws(OperationError) -> SharedMemoryRegion {
        if let region { return region }
        let socket = try address.connect(backend: Self.registryName, configuration: configuration)
        let line: [UInt8]
        do throws(BlockingStream.Failure) {
            try socket.send(SharedMemoryHandshake.openLine + [UInt8(ascii: "\n")])
            line = try socket.receiveLine(maximumLength: 4096)
        } catch {
            throw .backendFailure("\(Self.registryName): complex-server at \(path) did not set up a channel (\(error.reason))")
        }
        let answer: SharedMemoryHandshake.Answer
        do throws(WireError) {
            answer = try line.withUnsafeBufferPointer { (bytes) throws(WireError) in try SharedMemoryHandshake.decodeAnswer(bytes) }
        } catch {
            throw .backendFailure("\(Self.registryName): complex-server at \(path) answered the channel request with something that is not the protocol's (\(error.message)); an older server? Use ipc")
        }
        let offer: SharedMemoryHandshake.Offer
        switch answer {
        case .offer(let made): offer = made
        case .refused(let code, let message):
            throw .backendFailure("\(Self.registryName): complex-server at \(path) refused a channel: \(message) (\(code))")
        }
        let mapped: SharedMemoryRegion
        do throws(SharedMemoryError) {
            mapped = try SharedMemoryRegion.open(pid: offer.pid, descriptor: offer.descriptor)
        } catch {
            throw .backendFailure("\(Self.registryName): cannot map complex-server's region (\(error)); the server must run on this machine as your user; use ipc otherwise")
        }
        do throws(BlockingStream.Failure) {
            try socket.send(SharedMemoryHandshake.mappedLine + [UInt8(ascii: "\n")])
        } catch {
            throw .backendFailure("\(Self.registryName): lost complex-server at \(path) while setting up a channel (\(error.reason))")
        }
        lifeline = socket
        region = mapped
        sent = 0
        answered = 0
        return mapped
    }

    func disconnect() {
        region = nil
        lifeline = nil
    }

}
