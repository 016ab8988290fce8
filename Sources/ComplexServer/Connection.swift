import ComplexWire
import Glibc
import Synchronization

/// One connection, socket or HTTP, served on a thread of its own with blocking reads
/// and writes: the thread sleeps in `read` until a request arrives, has its session
/// (`SocketSession`, `HTTPSession`) answer every request the read completed, and writes
/// the replies at once.
///
/// No event loop stands between the kernel and the request: a round trip costs the
/// server a read, the request's own work and a write, where SwiftNIO's channel machinery
/// alone took some 10,000 instructions and kept `ipc` 20% and `http` 30% above the C
/// floors of the same strategy (issue 12).
///
/// The limits are the blocking equivalents of those the SwiftNIO server had:
/// - **Deadlines:** `read` wakes every `ConnectionTimeouts.checkPeriod` (`SO_RCVTIMEO`)
///   to see whether the connection has been idle too long, or is delivering a request
///   (a line; an HTTP head, then its body) too slowly.
/// - **Backpressure:** a client that does not read its replies blocks the thread in
///   `write`, so nothing more is read from it; one that lets no reply through for the
///   idle timeout (`SO_SNDTIMEO`) is closed.
/// - **Closing from elsewhere** (eviction, a shm channel's client breaking the protocol,
///   the server stopping): `hangUp()` shuts the socket down, which wakes the thread; the
///   descriptor itself is closed only by the thread, under a lock, so a late `hangUp()`
///   never reaches a descriptor the number has since been given to.
final class Connection: Sendable {
    /// One read's most bytes: a pipelining client's burst of some 1,500 requests.
    static let readBytes = 64 * 1024
    /// The requests of a read are answered, and their replies written, this many bytes
    /// at a time. Pipe mode over `ipc` (100,000 lines, 256 in flight) took 0.76–0.78 s
    /// when a read's replies were written together, 0.61–0.65 s in slices of 8 KiB, and
    /// 0.42–0.48 s in slices of 2 or 4 KiB: the client decodes the first replies and
    /// tops its requests up while the server computes the rest, instead of the two
    /// taking turns.
    static let sliceBytes = 4 * 1024
    /// How long a connection being closed after an error reply keeps reading (and
    /// dropping) what its client still sends: closing with unread input makes the kernel
    /// reset the connection, and the client could lose the reply.
    static let drainNanoseconds: UInt64 = 2_000_000_000

    private let descriptor: Mutex<Int32>
    let timeouts: ConnectionTimeouts
    /// Where the bytes read and each request's duration are counted.
    let metrics: ServerMetrics.Transport?

    init(descriptor: Int32, timeouts: ConnectionTimeouts, metrics: ServerMetrics.Transport?) {
        self.descriptor = Mutex(descriptor)
        self.timeouts = timeouts
        self.metrics = metrics
    }

    /// Ends the connection from any thread: its own thread then finds the stream closed.
    func hangUp() {
        descriptor.withLock { fd in
            if fd >= 0 { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

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
        Self.setTimeout(fd, SO_RCVTIMEO, nanoseconds: timeouts.checkPeriod)
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
            let count = input.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                let arrived = Self.now()
                lastActivity = arrived
                let begun = requestStarted ?? arrived
                metrics?.bytesReceived.increment(by: Int64(count))
                // A read's requests are answered a slice at a time, each slice's replies
                // written as soon as they are ready, so a pipelining client can decode
                // them and send more while the rest are computed.
                var outcome = SessionOutcome.open
                var sliceStart = 0
                while sliceStart < count && outcome == .open {
                    let sliceEnd = min(sliceStart + Self.sliceBytes, count)
                    outcome = input.withUnsafeBufferPointer {
                        session.receive(UnsafeBufferPointer(rebasing: $0[sliceStart..<sliceEnd]), into: &output)
                    }
                    sliceStart = sliceEnd
                    if sliceEnd < count && !output.isEmpty {
                        guard Self.write(output, to: fd) else { return }
                        output.removeAll(keepingCapacity: true)
                    }
                }
                let answered = session.takeAnswered()
                if answered > 0 {
                    if let metrics {
                        // The first request began with an earlier read, perhaps; the
                        // others the read completed began with this one.
                        let now = Self.now()
                        metrics.duration.recordNanoseconds(Int64(now &- begun))
                        for _ in 1..<answered { metrics.duration.recordNanoseconds(Int64(now &- arrived)) }
                    }
                    if !answeredOnce {
                        answeredOnce = true
                        admission.served()
                    }
                }
                session.flushMetrics()
                requestStarted = session.requestInProgress ? (answered > 0 ? arrived : begun) : nil
                guard Self.write(output, to: fd) else { return }
                output.removeAll(keepingCapacity: output.capacity <= 1 << 18)
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
                }
            } else if count == 0 {
                // The client closed its write side (the socket demo's style): answer what
                // it sent, then close.
                session.finish(into: &output)
                if session.takeAnswered() > 0 { session.flushMetrics() }
                _ = Self.write(output, to: fd)
                return
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                if !lifeline && timeouts.expired(now: Self.now(), lastActivity: lastActivity,
                                                 requestStarted: requestStarted, headReceived: session.headReceived) {
                    return
                }
            } else {
                // The stream is unusable (most often the client vanished, which is
                // routine): close it. The metrics count the connection.
                return
            }
        }
    }

    /// Sends `refusal` to a connection the server has no place for, and closes it.
    func refuse(_ refusal: [UInt8]) {
        let fd = descriptor.withLock { $0 }
        defer { closeDescriptor() }
        Self.setTimeout(fd, SO_SNDTIMEO, nanoseconds: Self.drainNanoseconds)
        guard Self.write(refusal, to: fd) else { return }
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

    /// Writes all of `bytes`; false when the stream broke or the client let nothing
    /// through for the send timeout.
    static func write(_ bytes: [UInt8], to fd: Int32) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent > 0 {
                    offset += sent
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
