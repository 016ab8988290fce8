import ComplexLanguage
import ComplexWire
import Glibc
import Synchronization

/// Serves one client's shm channel (docs/PROTOCOL.md, "Shared memory") on a thread of
/// its own: it polls the request ring for a while, then sleeps on a futex until the
/// client wakes it, so a busy stream costs no system call and an idle one no CPU.
///
/// Nothing read from the region is trusted: the thread keeps its own count of requests
/// served, answers only the `slotCount` slots a well-behaved client may have written,
/// and gives the channel up (closing its lifeline) when the client's count says more.
/// Each request slot is copied before it is checked. The region is this client's own,
/// so whatever a client writes there can only garble its own answers.
package final class SharedMemoryChannel: Sendable {
    /// How long, in all, the thread polls when the client streams: when its last wait
    /// for a request was shorter than this. Pipe mode's client pauses for about a
    /// millisecond between windows (it reads, prints, parses), and a thread that slept
    /// through each pause made it wait for a wake-up each time: 500 futex calls over
    /// 200,000 lines, against 20 when it polls through (0.234 s against 0.257 s, medians
    /// of 16 alternating runs). A client that goes quiet costs the thread this long once.
    /// At most `ServerThread.pollers` threads poll that long at once; the others poll
    /// `ServerThread.pollNanoseconds`, then sleep.
    static let streamPollNanoseconds: UInt64 = 2_000_000
    /// Wakes in a row that find no request, at most, before the channel is closed.
    static let maximumEmptyWakes = 100

    let region: SharedMemoryRegion
    /// The most shm channels open at once, and how many are: each holds a thread.
    let limit: PlaceLimit
    /// Places for polling through a streaming client's pauses (`streamPollNanoseconds`).
    let streamPolls: PlaceLimit
    let metrics: ServerMetrics.Transport?
    /// Closes the channel's socket connection: when the client broke the protocol.
    let hangUp: @Sendable () -> Void
    /// Where the channel's thread is counted.
    let threads: ThreadGroup
    private let closed = Atomic<Bool>(false)

    /// A channel over `region`, which holds one of `limit`'s places until its thread ends.
    init(
        region: SharedMemoryRegion, limit: PlaceLimit, streamPolls: PlaceLimit, metrics: ServerMetrics.Transport?,
        threads: ThreadGroup = ThreadGroup(), hangUp: @escaping @Sendable () -> Void
    ) {
        self.threads = threads
        self.region = region
        self.limit = limit
        self.streamPolls = streamPolls
        self.metrics = metrics
        self.hangUp = hangUp
    }

    /// Starts the channel's thread; false (and the place given back) when none can be made.
    func start() -> Bool {
        guard threads.detach({ self.serve() }) else {
            limit.release()
            return false
        }
        return true
    }

    /// Ends the channel: the client's connection closed, or the server stops. Wakes the
    /// thread if it sleeps, and the client, which then finds the channel closed.
    func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        region.storeFenced(SharedMemoryLayout.closedOffset, 1)
        // Changing the futex word before waking makes a sleeper that has not yet
        // reached the kernel return at once instead of missing the wake.
        region.storeFenced(SharedMemoryLayout.serverSleepingOffset, 0)
        region.wake(SharedMemoryLayout.serverSleepingOffset)
        region.storeFenced(SharedMemoryLayout.clientSleepingOffset, 0)
        region.wake(SharedMemoryLayout.clientSleepingOffset)
    }

    var isClosed: Bool { closed.load(ordering: .acquiring) }

    func serve() {
        defer { limit.release() }
        var served: UInt32 = 0
        var tally = ServerMetrics.Transport.Tally()
        var streaming = false
        while let head = nextHead(after: served, streaming: &streaming, tally: &tally) {
            guard let next = answer(through: head, after: served, tally: &tally) else {
                close()
                hangUp()
                break
            }
            served = next
            SharedMemoryRegion.fence()
            if region.load(SharedMemoryLayout.clientSleepingOffset) != 0 {
                region.storeFenced(SharedMemoryLayout.clientSleepingOffset, 0)
                region.wake(SharedMemoryLayout.clientSleepingOffset)
            }
        }
        if let metrics { tally.flush(into: metrics) }
    }

    /// Answers requests `served..<head` (modulo 2³²) and publishes each reply; returns
    /// the new count, or nil, answering nothing, when `head` is not a count a client
    /// could have written: more requests outstanding than the ring holds.
    func answer(through head: UInt32, after served: UInt32, tally: inout ServerMetrics.Transport.Tally) -> UInt32? {
        guard head &- served <= UInt32(SharedMemoryLayout.slotCount) else { return nil }
        var served = served
        let first = served
        while served != head {
            let result: Result<Value, OperationError>
            switch SharedMemorySlot.readRequest(from: region.requestSlot(served)) {
            case .success(let call):
                if metrics != nil { tally.request(call.operation) }
                do throws(OperationError) {
                    result = .success(try call.operation.perform(call.a, call.b))
                } catch {
                    result = .failure(error)
                }
            case .failure(let error):
                result = .failure(error)
            }
            if case .failure(let error) = result, metrics != nil { tally.error(WireErrorCode(error)) }
            SharedMemorySlot.writeReply(result, to: region.replySlot(served))
            served &+= 1
            region.store(SharedMemoryLayout.replyHeadOffset, served)
        }
        // A stream that never pauses still shows in the metrics, every 4,096 requests.
        if (first ^ served) >> 12 != 0, let metrics { tally.flush(into: metrics) }
        return served
    }

    /// What the channel's thread does on waking, once, without a thread: answers the
    /// requests the region's count says wait after `served`. For the fuzz target
    /// `fuzz-shm`, which fills the region with arbitrary bytes.
    package static func answerOnce(region: SharedMemoryRegion, after served: UInt32) -> UInt32? {
        let channel = SharedMemoryChannel(region: region, limit: PlaceLimit(maximum: 1), streamPolls: PlaceLimit(maximum: 0), metrics: nil) {}
        var tally = ServerMetrics.Transport.Tally()
        return channel.answer(through: region.load(SharedMemoryLayout.requestHeadOffset), after: served, tally: &tally)
    }

    /// The client's request count once it differs from `served`: polled for
    /// `ServerThread.pollNanoseconds`, or `streamPollNanoseconds` while the client is `streaming`
    /// and a place to poll that long is free, then slept for; nil once the channel is
    /// closed. `streaming` says, on return, whether this wait was shorter than
    /// `streamPollNanoseconds`.
    ///
    /// A wake that finds no request goes straight back to sleep, without polling, so
    /// it costs the server a system call, as it cost the client; after
    /// `maximumEmptyWakes` of them in a row the channel is closed. An honest client wakes
    /// the server only after it has published a request, so at most one wake in a row
    /// can find nothing (the server saw the request before the wake came).
    func nextHead(after served: UInt32, streaming: inout Bool, tally: inout ServerMetrics.Transport.Tally) -> UInt32? {
        // A request already there: no wait, and no clock read on a busy stream's path.
        let waiting = region.load(SharedMemoryLayout.requestHeadOffset)
        if waiting != served && !isClosed {
            streaming = true
            return waiting
        }
        let start = SharedMemoryRegion.monotonicNanoseconds()
        let head = nextHead(after: served, pollingLong: streaming, tally: &tally)
        streaming = SharedMemoryRegion.monotonicNanoseconds() - start < Self.streamPollNanoseconds
        return head
    }

    func nextHead(after served: UInt32, pollingLong: Bool, tally: inout ServerMetrics.Transport.Tally) -> UInt32? {
        var emptyWakes = 0
        var pollFirst = true
        while !isClosed {
            if pollFirst {
                if let head = region.poll(SharedMemoryLayout.requestHeadOffset, whileEqualTo: served, nanoseconds: ServerThread.pollNanoseconds) {
                    return head
                }
                if pollingLong, streamPolls.reserve() {
                    let head = region.poll(
                        SharedMemoryLayout.requestHeadOffset, whileEqualTo: served,
                        nanoseconds: Self.streamPollNanoseconds - ServerThread.pollNanoseconds)
                    streamPolls.release()
                    if let head { return head }
                }
                if let metrics { tally.flush(into: metrics) }
            }
            // Say we sleep, then look once more: the client publishes, then looks
            // whether we sleep, so one of the two sees the other.
            region.storeFenced(SharedMemoryLayout.serverSleepingOffset, 1)
            if region.load(SharedMemoryLayout.requestHeadOffset) == served && !isClosed {
                region.wait(SharedMemoryLayout.serverSleepingOffset, while: 1, nanoseconds: -1)
            }
            region.store(SharedMemoryLayout.serverSleepingOffset, 0)
            let head = region.load(SharedMemoryLayout.requestHeadOffset)
            if head != served { return head }
            if isClosed { return nil }
            emptyWakes += 1
            guard emptyWakes < Self.maximumEmptyWakes else {
                // Woken again and again for nothing: a client storming the futex.
                close()
                hangUp()
                return nil
            }
            pollFirst = false
        }
        return nil
    }

}
