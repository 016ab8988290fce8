import ComplexLanguage
@testable import ComplexServer
import ComplexWire
import Foundation
import Synchronization
import Testing

/// The shm channel's pieces: its slots, its handshake, and the socket session that
/// offers a region and serves it on a thread.
@Suite struct SharedMemoryChannelTests {
    static let operands: [Value] = [
        .real(2.5), .real(-0.0), .real(.nan), .real(-.infinity),
        .complex(ComplexNumber(1, -2)), .complex(ComplexNumber(-0.0, .nan)), .complex(ComplexNumber(.infinity, 0)),
    ]

    @Test func everyRequestRoundTripsThroughASlotBitForBit() {
        let slot = UnsafeMutableRawPointer.allocate(byteCount: SharedMemoryLayout.requestSlotSize, alignment: 64)
        defer { slot.deallocate() }
        for operation in MathOperation.allCases {
            for a in Self.operands {
                for b in [nil] + Self.operands.map(Optional.some) where operation.arity.contains(b == nil ? 1 : 2) {
                    SharedMemorySlot.writeRequest(OperationCall(operation, a, b), to: slot)
                    guard case .success(let call) = SharedMemorySlot.readRequest(from: slot) else {
                        Issue.record("\(operation) \(a) \(String(describing: b)) did not decode")
                        continue
                    }
                    #expect(call.operation == operation)
                    #expect(call.a.isIdentical(to: a))
                    #expect(call.b == nil && b == nil || call.b!.isIdentical(to: b!))
                }
            }
        }
    }

    @Test func aRequestSlotThatIsNotTheProtocolsIsAnsweredWithItsError() {
        let slot = UnsafeMutableRawPointer.allocate(byteCount: SharedMemoryLayout.requestSlotSize, alignment: 64)
        defer { slot.deallocate() }
        func decode(_ word: UInt64) -> OperationError? {
            slot.storeBytes(of: word, as: UInt64.self)
            guard case .failure(let error) = SharedMemorySlot.readRequest(from: slot) else { return nil }
            return error
        }
        #expect(decode(200 | 1 << 8) == .unsupported("shm: operation code 200 names no operation (0 to \(MathOperation.allCases.count - 1))"))
        #expect(decode(0 | 3 << 8) == .badArguments("shm: add request with 3 operands (1 or 2)"))
        #expect(decode(0 | 0 << 8) == .badArguments("shm: add request with 0 operands (1 or 2)"))
        #expect(decode(UInt64(MathOperation.sqrt.index) | 1 << 8 | 2 << 16) == .badArguments("shm: sqrt request with unused bits set in bytes 2–7"))
        #expect(decode(0 | 2 << 8 | 1 << 40) == .badArguments("shm: add request with unused bits set in bytes 2–7"))
        // The operation's own check of its operand count still applies.
        #expect(decode(0 | 1 << 8) == nil)
    }

    @Test func everyReplyRoundTripsThroughASlot() {
        let slot = UnsafeMutableRawPointer.allocate(byteCount: SharedMemoryLayout.replySlotSize, alignment: 64)
        defer { slot.deallocate() }
        for value in Self.operands {
            SharedMemorySlot.writeReply(.success(value), to: slot)
            guard case .success(let read) = SharedMemorySlot.readReply(from: slot) else {
                Issue.record("\(value) did not decode")
                continue
            }
            #expect(read.isIdentical(to: value))
        }
        let errors: [OperationError] = [
            .divisionByZero("division by zero"), .domainError("math domain error"), .overflow("math range error"),
            .badArguments("rect() takes real arguments (a modulus and a phase), not complex ones"),
            .unsupported("no such thing"),
        ]
        for error in errors {
            SharedMemorySlot.writeReply(.failure(error), to: slot)
            guard case .failure(let read) = SharedMemorySlot.readReply(from: slot) else {
                Issue.record("\(error) did not decode")
                continue
            }
            #expect(read == error)
        }
        // A message too long for the slot is cut at a character boundary.
        let long = String(repeating: "a", count: SharedMemorySlot.maximumMessageLength - 1) + "é and more"
        SharedMemorySlot.writeReply(.failure(.domainError(long)), to: slot)
        #expect(SharedMemorySlot.readReply(from: slot) == .failure(.domainError(String(repeating: "a", count: SharedMemorySlot.maximumMessageLength - 1))))
        slot.storeBytes(of: UInt8(99), as: UInt8.self)
        #expect(SharedMemorySlot.readReply(from: slot) == .failure(.backendFailure("shm: a reply with status 99, which is not the protocol's")))
    }

    @Test func theHandshakeAnswersDecode() throws {
        func decode(_ text: String) throws(WireError) -> SharedMemoryHandshake.Answer {
            try Array(text.utf8).withUnsafeBufferPointer { (bytes) throws(WireError) in try SharedMemoryHandshake.decodeAnswer(bytes) }
        }
        let offer = SharedMemoryHandshake.Offer(pid: 42, descriptor: 7)
        #expect(try decode(String(decoding: offer.line, as: UTF8.self)) == .offer(offer))
        #expect(try decode(#"{"error":{"code":"too_many_channels","message":"full"}}"#) == .refused(code: .tooManyChannels, message: "full"))
        #expect(throws: WireError.self) { try decode(#"{"shm":{"pid":-1,"fd":3,"version":1}}"#) }
        #expect(throws: WireError.self) { try decode(#"{"result":1}"#) }
    }

    /// The session offers a region, serves it on its own thread once the client says it
    /// has mapped it, refuses a channel over the limit, and gives its place back when
    /// the connection closes.
    @Test func theSocketSessionOffersServesAndFreesAChannel() throws {
        let limit = PlaceLimit(maximum: 1)
        func session() -> SocketSession {
            SocketSession(maximumLineLength: 1024, metrics: nil, channels: SharedMemoryAllowance(limit: limit, metrics: nil))
        }
        func exchange(_ session: inout SocketSession, _ line: [UInt8]) -> [UInt8] {
            var output: [UInt8] = []
            let outcome = (line + [10]).withUnsafeBufferPointer { session.receive($0, into: &output) }
            #expect(outcome == .open)
            return output.last == 10 ? Array(output.dropLast()) : output
        }
        var first = session()
        let answer = try exchange(&first, SharedMemoryHandshake.openLine).withUnsafeBufferPointer { try SharedMemoryHandshake.decodeAnswer($0) }
        guard case .offer(let offer) = answer else {
            Issue.record("no offer: \(answer)")
            return
        }
        #expect(offer.pid == getpid())
        let region = try SharedMemoryRegion.open(pid: offer.pid, descriptor: offer.descriptor)
        #expect(exchange(&first, SharedMemoryHandshake.mappedLine).isEmpty)
        #expect(first.isLifeline)
        // Tests running beside this one may reuse the number at once: look at what it is.
        let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(offer.descriptor)")) ?? ""
        #expect(!target.hasPrefix("/memfd:complex-repl-shm"), "the server kept the region's descriptor open")

        // Two requests, as a client writes them.
        SharedMemorySlot.writeRequest(OperationCall(.mul, .complex(ComplexNumber(1, 2)), .real(3)), to: region.requestSlot(0))
        SharedMemorySlot.writeRequest(OperationCall(.log, .real(0), nil), to: region.requestSlot(1))
        region.storeFenced(SharedMemoryLayout.requestHeadOffset, 2)
        region.wake(SharedMemoryLayout.serverSleepingOffset)
        let deadline = Date().addingTimeInterval(5)
        while region.load(SharedMemoryLayout.replyHeadOffset) != 2 && Date() < deadline { usleep(100) }
        #expect(SharedMemorySlot.readReply(from: region.replySlot(0)) == .success(.complex(ComplexNumber(3, 6))))
        #expect(SharedMemorySlot.readReply(from: region.replySlot(1)) == .failure(.domainError("math domain error")))

        var second = session()
        let refusal = String(decoding: exchange(&second, SharedMemoryHandshake.openLine), as: UTF8.self)
        #expect(refusal.contains(#""code":"too_many_channels""#), "\(refusal)")
        // The refused connection still answers JSON requests.
        #expect(String(decoding: exchange(&second, Array(#"{"op":"add","a":1,"b":2}"#.utf8)), as: UTF8.self) == #"{"result":3}"#)

        // Closing the connection ends the channel: its thread gives the place back.
        first.close()
        #expect(region.load(SharedMemoryLayout.closedOffset) == 1)
        while limit.count != 0 && Date() < deadline.addingTimeInterval(5) { usleep(1000) }
        #expect(limit.count == 0)
        second.close()
    }

    /// A socket session with a shm channel open, as a client sets one up; `hangUp` is
    /// what the channel calls to close its connection.
    static func openChannel(hangUp: @escaping @Sendable () -> Void) throws -> (SocketSession, SharedMemoryRegion)? {
        var session = SocketSession(maximumLineLength: 1024, metrics: nil, channels: SharedMemoryAllowance(limit: PlaceLimit(maximum: 1), metrics: nil),
                                    hangUp: hangUp)
        var output: [UInt8] = []
        _ = (SharedMemoryHandshake.openLine + [10]).withUnsafeBufferPointer { session.receive($0, into: &output) }
        let answer = try Array(output.dropLast()).withUnsafeBufferPointer { try SharedMemoryHandshake.decodeAnswer($0) }
        guard case .offer(let offer) = answer else {
            Issue.record("no offer: \(answer)")
            return nil
        }
        let region = try SharedMemoryRegion.open(pid: offer.pid, descriptor: offer.descriptor)
        _ = (SharedMemoryHandshake.mappedLine + [10]).withUnsafeBufferPointer { session.receive($0, into: &output) }
        return (session, region)
    }

    /// A channel whose client breaks the protocol hangs its connection up.
    @Test func aClientThatOverrunsTheRingLosesItsConnection() throws {
        let hungUp = Atomic<Bool>(false)
        guard let channel = try Self.openChannel(hangUp: { hungUp.store(true, ordering: .releasing) }) else { return }
        var session = channel.0
        let region = channel.1
        region.storeFenced(SharedMemoryLayout.requestHeadOffset, UInt32(SharedMemoryLayout.slotCount + 1))
        region.wake(SharedMemoryLayout.serverSleepingOffset)
        let deadline = Date().addingTimeInterval(5)
        while !hungUp.load(ordering: .acquiring) && Date() < deadline { usleep(100) }
        let wasHungUp = hungUp.load(ordering: .acquiring)
        #expect(wasHungUp)
        #expect(region.load(SharedMemoryLayout.closedOffset) == 1)
        session.close()
    }

    /// A client that wakes the server again and again without a request once made it
    /// poll 50 µs after each wake (14× the client's CPU). Now an empty wake goes straight
    /// back to sleep, and a channel woken `maximumEmptyWakes` times in a row for nothing
    /// is closed and its connection hung up; an honest client, which wakes the server
    /// only after a request, is served as before.
    @Test func aClientThatStormsTheFutexLosesItsChannel() throws {
        let hungUp = Atomic<Bool>(false)
        guard let channel = try Self.openChannel(hangUp: { hungUp.store(true, ordering: .releasing) }) else { return }
        var session = channel.0
        let region = channel.1
        defer { session.close() }
        // An honest request first: answered.
        SharedMemorySlot.writeRequest(OperationCall(.neg, .real(1), nil), to: region.requestSlot(0))
        region.storeFenced(SharedMemoryLayout.requestHeadOffset, 1)
        region.storeFenced(SharedMemoryLayout.serverSleepingOffset, 0)
        region.wake(SharedMemoryLayout.serverSleepingOffset)
        var deadline = Date().addingTimeInterval(5)
        while region.load(SharedMemoryLayout.replyHeadOffset) != 1 && Date() < deadline { usleep(100) }
        #expect(SharedMemorySlot.readReply(from: region.replySlot(0)) == .success(.real(-1)))
        // Then wakes without requests, each once the server sleeps again.
        deadline = Date().addingTimeInterval(10)
        var wakes = 0
        while !hungUp.load(ordering: .acquiring) && Date() < deadline {
            if region.load(SharedMemoryLayout.serverSleepingOffset) == 1 {
                region.storeFenced(SharedMemoryLayout.serverSleepingOffset, 0)
                region.wake(SharedMemoryLayout.serverSleepingOffset)
                wakes += 1
            }
            usleep(50)
        }
        let wasHungUp = hungUp.load(ordering: .acquiring)
        #expect(wasHungUp, "\(wakes) wakes without a request, and the channel is still open")
        #expect(wakes <= SharedMemoryChannel.maximumEmptyWakes + 1)
        #expect(region.load(SharedMemoryLayout.closedOffset) == 1)
    }

    /// A client that streams (its last request came soon after the one before) has its
    /// pauses polled through for `streamPollNanoseconds`, by at most `streamPolls`'
    /// threads at once; otherwise the thread sleeps after `ServerThread.pollNanoseconds`. The time
    /// until the thread says it sleeps cannot be shorter than what it polls: a lower
    /// bound that holds however slow the machine; the short polls are the quickest of
    /// five, below the long poll's length.
    @Test func aStreamingClientsPausesArePolledThroughWithinTheAllowance() throws {
        let (region, descriptor) = try SharedMemoryRegion.create()
        defer { close(descriptor) }
        let places = PlaceLimit(maximum: 1)
        let channel = SharedMemoryChannel(region: region, limit: PlaceLimit(maximum: 1), streamPolls: places, metrics: nil) {}
        /// Waits for a request with `streaming` as the channel's thread does; returns how
        /// long it polled before it said it sleeps (at least), and what it says of the
        /// client after the request that ends the wait.
        func wait(streaming: Bool) -> (polled: UInt64, streaming: Bool) {
            let served = region.load(SharedMemoryLayout.requestHeadOffset)
            let finished = Atomic<Int>(0)  // 1: not streaming, 2: streaming
            let start = SharedMemoryRegion.monotonicNanoseconds()
            Thread.detachNewThread {
                var isStreaming = streaming
                var tally = ServerMetrics.Transport.Tally()
                _ = channel.nextHead(after: served, streaming: &isStreaming, tally: &tally)
                finished.store(isStreaming ? 2 : 1, ordering: .releasing)
            }
            let deadline = Date().addingTimeInterval(5)
            while region.load(SharedMemoryLayout.serverSleepingOffset) == 0 && Date() < deadline { usleep(10) }
            let polled = SharedMemoryRegion.monotonicNanoseconds() - start
            region.storeFenced(SharedMemoryLayout.requestHeadOffset, served &+ 1)
            region.storeFenced(SharedMemoryLayout.serverSleepingOffset, 0)
            region.wake(SharedMemoryLayout.serverSleepingOffset)
            while finished.load(ordering: .acquiring) == 0 && Date() < deadline { usleep(10) }
            #expect(finished.load(ordering: .acquiring) != 0, "the wait did not end")
            return (polled, finished.load(ordering: .acquiring) == 2)
        }
        // Streaming, with a place free: it polls the long poll through, and a wait that
        // long says the client no longer streams.
        let long = wait(streaming: true)
        #expect(long.polled >= SharedMemoryChannel.streamPollNanoseconds)
        #expect(!long.streaming)
        #expect(places.count == 0)
        // Not streaming, or streaming with every place taken: the short poll only.
        let quiet = (0..<5).map { _ in wait(streaming: false).polled }.min()!
        #expect(quiet < SharedMemoryChannel.streamPollNanoseconds)
        #expect(places.reserve())
        let crowded = (0..<5).map { _ in wait(streaming: true).polled }.min()!
        places.release()
        #expect(crowded < SharedMemoryChannel.streamPollNanoseconds)
        // A request already there is taken at once: the client streams.
        let served = region.load(SharedMemoryLayout.requestHeadOffset)
        region.storeFenced(SharedMemoryLayout.requestHeadOffset, served &+ 1)
        var streaming = false
        var tally = ServerMetrics.Transport.Tally()
        #expect(channel.nextHead(after: served, streaming: &streaming, tally: &tally) == served &+ 1)
        #expect(streaming)
    }
}
