import ComplexWire
import Glibc
import Synchronization

/// One connection, socket or HTTP, served on a thread of its own with blocking reads
/// and writes: the thread waits for a request (`receive`: it polls the socket for a
/// moment, then sleeps in `read`), has its session (`SocketSession`, `HTTPSession`)
/// answer every request the read completed, and writes the replies at once.
///
/// No event loop stands between the kernel and the request: a round trip costs the
/// server a read, the request's own work and a write, where SwiftNIO's channel machinery
/// alone took some 10,000 instructions and kept `ipc` 20% and `http` 30% above the C
/// floors of the same strategy (issue 12).
///
/// The limits (docs/RELIABILITY.md):
/// - **Deadlines:** each `read` waits (`SO_RCVTIMEO`) only for the time left before the
///   connection's deadline: idle between requests, or delivering a request (a line; an
///   HTTP head, then its body) too slowly. Every read that brings bytes checks it too, so
///   a client is cut when its deadline passes however its bytes trickle.
/// - **Backpressure and memory:** replies are made as the socket drains. The session
///   answers a read a slice at a time and pauses once `outputBudget` bytes of replies
///   are waiting, which are written before anything more is computed; a client that
///   does not read blocks the thread in `write`, so nothing more is read from it. A
///   connection therefore holds at most `outputBudget` plus one reply unsent. A write
///   that has not finished within the idle timeout, however many partial writes it
///   made, ends the connection.
/// - **Closing from elsewhere** (eviction, a shm channel's client breaking the protocol,
///   the server stopping): `hangUp()` marks the connection and shuts the socket down,
///   which wakes the thread; the thread stops at its next slice of work. The descriptor
///   itself is closed only by the thread, under a lock, so a late `hangUp()` never
///   reaches a descriptor the number has since been given to.
final class Connection: Sendable {
    /// One read's most bytes: a pipelining client's burst of some 1,500 requests.
    static let readBytes = 64 * 1024
    /// Replies waiting to be written, at most (plus the one that crossed it): past it,
    /// the session pauses and the connection writes. A slice of ordinary requests makes
    /// less, so this only stops requests that ask for large replies (`GET
    /// /openapi.yaml`, 20 bytes each) from making megabytes per slice.
    static let outputBudget = 16 * 1024
    /// How long a connection being closed after an error reply keeps reading (and
    /// dropping) what its client still sends: closing with unread input makes the kernel
    /// reset the connection, and the client could lose the reply.
    static let drainNanoseconds: UInt64 = 2_000_000_000

    private let descriptor: Mutex<Int32>
    /// Set by `hangUp()`: the thread stops at its next slice of work.
    private let hungUp = Atomic<Bool>(false)
    let timeouts: ConnectionTimeouts
    /// Where the bytes read and each request's duration are counted.
    let metrics: ServerMetrics.Transport?
    /// Places for polling the socket before a read sleeps, shared by every connection.
    let polls: PlaceLimit

    init(descriptor: Int32, timeouts: ConnectionTimeouts, metrics: ServerMetrics.Transport?, polls: PlaceLimit) {
        self.descriptor = Mutex(descriptor)
        self.timeouts = timeouts
        self.metrics = metrics
        self.polls = polls
    }

    /// Ends the connection from any thread: its own thread then finds the stream closed.
    func hangUp() {
        hungUp.store(true, ordering: .releasing)
        descriptor.withLock { fd in
            if fd >= 0 { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    var isHungUp: Bool { hungUp.load(ordering: .acquiring) }

    /// Serves the connection with `session` until it closes; then gives back its place
    /// (`admission`).
    func serve<Session: ConnectionSession>(_ session: consuming Session, admission: ActivityMonitor.Admission) {
        var session = session
        let fd = descriptor.withLock { $0 }
        defer {
            admission.closed()
            closeDescriptor()
        }
        let timeouts = self.timeouts
        let metrics = self.metrics
        var receiveTimeout = timeouts.idle
        Self.setTimeout(fd, SO_RCVTIMEO, nanoseconds: receiveTimeout)
        Self.setTimeout(fd, SO_SNDTIMEO, nanoseconds: timeouts.idle)
        defer { session.close() }
        // Not zero-filled: a page of it is touched only when a read reaches it, so an
        // idle connection holds a few KiB, not 64 (1,000 idle connections: 89 MB
        // resident with the buffer zeroed).
        var input = [UInt8](unsafeUninitializedCapacity: Self.readBytes) { _, count in count = Self.readBytes }
        var output: [UInt8] = []
        output.reserveCapacity(4096)
        var lastActivity = Self.now()
        var requestStarted: UInt64?
        var answeredOnce = false
        var lifeline = false
        while true {
            let count = Self.receive(fd, into: &input, polls: polls).count
            if isHungUp { return }
            if count > 0 {
                let arrived = Self.now()
                lastActivity = arrived
                admission.active(at: arrived)
                let begun = requestStarted ?? arrived
                metrics?.bytesReceived.increment(by: Int64(count))
                // A read's requests are answered a slice at a time, each slice's replies
                // written as soon as they are ready (or as soon as they reach the
                // budget), so a pipelining client can decode them and send more while
                // the rest are computed, and a slow reader never has megabytes made for it.
                var outcome = SessionOutcome.open
                var offset = 0
                var paused = false
                repeat {
                    let end = min(offset + Session.sliceBytes, count)
                    outcome = input.withUnsafeBufferPointer {
                        session.receive(UnsafeBufferPointer(rebasing: $0[offset..<end]), into: &output, budget: Self.outputBudget)
                    }
                    switch outcome {
                    case .open: offset = end; paused = false
                    case .paused(let consumed): offset += consumed; paused = true
                    case .hangUp: paused = false
                    }
                    guard outcome != .hangUp else { break }
                    if (offset < count || paused) && !output.isEmpty {
                        guard write(output, to: fd), !isHungUp else { return }
                        output.removeAll(keepingCapacity: true)
                    }
                } while offset < count || paused
                let answered = session.takeAnswered()
                if answered > 0 {
                    if let metrics {
                        // The first request began with an earlier read, perhaps; the
                        // others the read completed began with this one.
                        let now = Self.now()
                        metrics.duration.record(nanoseconds: Int64(now &- begun), count: 1)
                        metrics.duration.record(nanoseconds: Int64(now &- arrived), count: answered - 1)
                    }
                    if !answeredOnce && session.hasBeenServed {
                        answeredOnce = true
                        admission.served()
                    }
                }
                session.flushMetrics()
                requestStarted = session.requestInProgress ? (answered > 0 ? arrived : begun) : nil
                guard write(output, to: fd) else { return }
                output.removeAll(keepingCapacity: output.capacity <= Self.outputBudget * 2)
                if outcome == .hangUp {
                    shutdown(fd, Int32(SHUT_WR))
                    Self.drain(fd)
                    return
                }
                if session.isLifeline && !lifeline {
                    // It carries nothing more, and stays open while the channel is used,
                    // however long (the channels have their own limit).
                    lifeline = true
                    admission.becameLifeline()
                    Self.setTimeout(fd, SO_RCVTIMEO, nanoseconds: 0)
                    continue
                }
            } else if count == 0 {
                // The client closed its write side (the socket demo's style): answer what
                // it sent, then close.
                session.finish(into: &output)
                if session.takeAnswered() > 0 { session.flushMetrics() }
                _ = write(output, to: fd)
                return
            } else if errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK {
                // The stream is unusable (most often the client vanished, which is
                // routine): close it. The metrics count the connection.
                return
            }
            guard !lifeline else { continue }
            // The next wait lasts only as long as the connection has left.
            let now = Self.now()
            let deadline = timeouts.deadline(lastActivity: lastActivity, requestStarted: requestStarted,
                                             headReceived: session.headReceived)
            guard deadline > now else { return }
            let left = deadline - now
            // Between requests a read just completed, so the time left is the idle
            // timeout as set, give or take a millisecond: no system call on the hot path.
            if left > receiveTimeout &+ 1_000_000 || receiveTimeout > left &+ 1_000_000 {
                receiveTimeout = left
                Self.setTimeout(fd, SO_RCVTIMEO, nanoseconds: left)
            }
        }
    }

    /// One read's bytes into `input`, or 0 at the end of the stream, or -1 with `errno`
    /// set. With one of `polls`' places free, the socket is polled first (a read that
    /// does not wait, the processor yielded between tries) for up to
    /// `ServerThread.pollNanoseconds`; then, or with no place free, a `read` sleeps for
    /// the bytes, within the socket's receive timeout. Also returns how long it polled
    /// before the try that read (0 when the first did).
    ///
    /// A pipelining client's next requests, or a looping one's next request, arrive
    /// within microseconds of the replies, and a thread that slept in between was woken
    /// for each of them: the client's `send` paid for the wake-up, and the requests
    /// waited for it. With 64 in flight over `ipc` the thread slept once per ~50
    /// requests; polling took `complex-repl bench` from 1.2–1.7 M to 1.9–2.7 M operations
    /// a second, and one at a time from 18–27 µs to 5–7.5 µs (four alternations).
    static func receive(_ fd: Int32, into input: inout [UInt8], polls: PlaceLimit) -> (count: Int, polledNanoseconds: UInt64) {
        var polled: UInt64 = 0
        if polls.reserve() {
            defer { polls.release() }
            let start = now()
            repeat {
                let count = input.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
                if count >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                    return (count, polled)
                }
                sched_yield()
                polled = now() &- start
            } while polled < ServerThread.pollNanoseconds
        }
        return (input.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }, polled)
    }

    /// Sends `refusal` to a connection the server has no place for, and closes it.
    func refuse(_ refusal: [UInt8]) {
        let fd = descriptor.withLock { $0 }
        defer { closeDescriptor() }
        Self.setTimeout(fd, SO_SNDTIMEO, nanoseconds: Self.drainNanoseconds)
        guard Self.write(refusal, to: fd, within: Self.drainNanoseconds) else { return }
        shutdown(fd, Int32(SHUT_WR))
        Self.drain(fd)
    }

    /// Sends `refusal` if the socket takes it at once, and closes, on the caller's thread.
    func refuseAtOnce(_ refusal: [UInt8]) {
        descriptor.withLock { fd in
            _ = refusal.withUnsafeBytes { send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            shutdown(fd, Int32(SHUT_WR))
            Glibc.close(fd)
            fd = -1
        }
    }

    func closeDescriptor() {
        descriptor.withLock { fd in
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }

    /// Writes all of `bytes` within the idle timeout, however many partial writes that
    /// takes (the socket's send timeout, `SO_SNDTIMEO`, restarts with each): false when
    /// the stream broke or the time ran out.
    func write(_ bytes: [UInt8], to fd: Int32) -> Bool {
        Self.write(bytes, to: fd, within: timeouts.idle)
    }

    /// Writes all of `bytes` within `nanoseconds`: false when the stream broke or the
    /// time ran out. The send timeout must already be `nanoseconds`; it is shortened
    /// after a partial write, and put back after.
    static func write(_ bytes: [UInt8], to fd: Int32, within nanoseconds: UInt64) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            let deadline = now() &+ nanoseconds
            var shortened = false
            defer { if shortened { setTimeout(fd, SO_SNDTIMEO, nanoseconds: nanoseconds) } }
            while offset < raw.count {
                let sent = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent > 0 {
                    offset += sent
                    guard offset < raw.count else { break }
                    // A partial write: the rest has only what is left of the time.
                    let now = now()
                    guard deadline > now else { return false }
                    setTimeout(fd, SO_SNDTIMEO, nanoseconds: deadline - now)
                    shortened = true
                } else if sent < 0 && errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
    }

    /// Reads and drops what the client still sends, until it closes or `drainNanoseconds` pass.
    static func drain(_ fd: Int32) {
        let deadline = now() + drainNanoseconds
        var sink = [UInt8](repeating: 0, count: 4096)
        while true {
            let left = deadline &- now()
            guard left > 0 && left <= drainNanoseconds else { return }
            setTimeout(fd, SO_RCVTIMEO, nanoseconds: left)
            let count = sink.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 || (count < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) { return }
        }
    }

    /// Sets a socket's receive or send timeout; 0: none.
    static func setTimeout(_ fd: Int32, _ option: Int32, nanoseconds: UInt64) {
        var value = timeval(tv_sec: Int(nanoseconds / 1_000_000_000), tv_usec: Int(nanoseconds % 1_000_000_000 / 1000))
        if nanoseconds > 0 && value.tv_sec == 0 && value.tv_usec == 0 { value.tv_usec = 1 }
        setsockopt(fd, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    static func now() -> UInt64 {
        SharedMemoryRegion.monotonicNanoseconds()
    }
}
