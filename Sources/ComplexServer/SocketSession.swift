import ComplexWire
import Glibc

/// One socket connection's protocol (docs/PROTOCOL.md, "The Unix socket") without its
/// I/O: the bytes of each read in, the replies to every request they complete out, in
/// order, gathered for one write. `Connection` does the reading and writing; the tests
/// and the fuzz target `fuzz-socket` drive a session directly.
///
/// It splits the stream into newline-terminated lines with a length limit, never
/// buffering more than the limit; a final line without its newline (the original demo's
/// client sends its request that way, then closes its write side) is still answered at
/// the end of the stream. It also answers the shm handshake's lines: it offers a region,
/// and once the client has mapped it, serves it on the channel's own thread.
package struct SocketSession: ConnectionSession {
    /// Pipe mode over `ipc` (100,000 lines, 256 in flight) took 0.76–0.78 s when a read's
    /// replies were written together, 0.61–0.65 s in slices of 8 KiB, and 0.42–0.48 s in
    /// slices of 2 or 4 KiB: about 130 requests of 30 bytes to a write.
    static var sliceBytes: Int { 4 * 1024 }

    let maximumLineLength: Int
    var processor = RequestProcessor()
    var writer = JSONWriter()
    /// The start of a line whose newline has not arrived yet.
    var partial: [UInt8] = []
    /// A line went over the limit: nothing more is answered.
    var overflowed = false
    /// Replies written since the connection last took the count (`takeAnswered()`).
    var answered = 0
    /// A request has been answered with a result or an operation's error (not refused).
    var served = false
    /// Where shm channels come from; nil: this connection is offered none.
    let channels: SharedMemoryAllowance?
    /// Closes this session's connection: what a channel does when its client breaks the protocol.
    let hangUp: @Sendable () -> Void
    /// The region offered to this connection's client, and the descriptor it opens it by,
    /// until the client says it has mapped it.
    var offered: (region: SharedMemoryRegion, descriptor: Int32)?
    /// The channel this connection is the lifeline of.
    var channel: SharedMemoryChannel?

    /// A session with no metrics and no shm channels: what the fuzz target drives.
    package init(maximumLineLength: Int) {
        self.init(maximumLineLength: maximumLineLength, metrics: nil)
    }

    init(maximumLineLength: Int, metrics: ServerMetrics.Transport?, channels: SharedMemoryAllowance? = nil,
         hangUp: @escaping @Sendable () -> Void = {}) {
        self.maximumLineLength = maximumLineLength
        self.processor.metrics = metrics
        self.channels = channels
        self.hangUp = hangUp
    }

    /// True while a line has begun and not ended: a request is on its way.
    var requestInProgress: Bool { !partial.isEmpty }

    /// A request on the socket is one line, all of it within the header deadline.
    var headReceived: Bool { false }

    mutating func flushMetrics() {
        processor.flushMetrics()
    }

    /// True once the connection carries a shm channel: it only keeps the channel alive.
    var isLifeline: Bool { channel != nil }

    var hasBeenServed: Bool { served }

    /// Answers the lines that `bytes` completes, appending the replies to `output`, until
    /// `output` holds `budget` bytes; `.hangUp` after a line over the limit.
    package mutating func receive(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8], budget: Int) -> SessionOutcome {
        guard !overflowed else { return .hangUp }
        var start = 0
        if !partial.isEmpty {
            guard let newline = Self.newline(in: bytes, from: 0) else {
                partial.append(contentsOf: bytes)
                return partial.count > maximumLineLength ? tooLong(into: &output) : .open
            }
            guard partial.count + newline <= maximumLineLength else { return tooLong(into: &output) }
            partial.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[..<newline]))
            let line = partial
            partial.removeAll(keepingCapacity: true)
            line.withUnsafeBufferPointer { answer($0, into: &output) }
            start = newline + 1
            if output.count >= budget && start < bytes.count { return .paused(consumed: start) }
        }
        while let newline = Self.newline(in: bytes, from: start) {
            guard newline - start <= maximumLineLength else { return tooLong(into: &output) }
            answer(UnsafeBufferPointer(rebasing: bytes[start..<newline]), into: &output)
            start = newline + 1
            // At least one line is answered per call, so a pause always makes progress.
            if output.count >= budget && start < bytes.count { return .paused(consumed: start) }
        }
        guard bytes.count - start <= maximumLineLength else { return tooLong(into: &output) }
        partial.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        return .open
    }

    /// The end of the stream: answers a last line that has no newline, unless it is blank.
    package mutating func finish(into output: inout [UInt8]) {
        guard !overflowed, !partial.isEmpty else { return }
        let line = partial
        partial.removeAll()
        let blank = line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
        if !blank { line.withUnsafeBufferPointer { answer($0, into: &output) } }
    }

    /// The connection has closed: ends its channel, or gives back one only offered.
    package mutating func close() {
        if let (_, descriptor) = offered {
            Glibc.close(descriptor)
            channels?.limit.release()
            offered = nil
        }
        channel?.close()
        channel = nil
        processor.flushMetrics()
    }

    /// The replies written since the last call.
    mutating func takeAnswered() -> Int {
        defer { answered = 0 }
        return answered
    }

    static func newline(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress,
              let found = memchr(base + start, 0x0A, bytes.count - start) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    mutating func tooLong(into output: inout [UInt8]) -> SessionOutcome {
        overflowed = true
        partial = []
        send(WireResponse(.lineTooLong(limit: maximumLineLength)), into: &output)
        return .hangUp
    }

    mutating func answer(_ line: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        if line.count == SharedMemoryHandshake.openLine.count && line.elementsEqual(SharedMemoryHandshake.openLine) {
            offerChannel(into: &output)
        } else if line.count == SharedMemoryHandshake.mappedLine.count && line.elementsEqual(SharedMemoryHandshake.mappedLine) {
            openChannel(into: &output)
        } else {
            var id: Range<Int>?
            let response = processor.respond(to: line, id: &id)
            send(response, into: &output, id: id.map { UnsafeBufferPointer(rebasing: line[$0]) })
        }
    }

    mutating func send(_ response: WireResponse, into output: inout [UInt8], id: UnsafeBufferPointer<UInt8>? = nil) {
        let start = output.count
        response.encode(to: &output, writer: &writer, id: id, asLine: true)
        processor.sent(response, bytes: output.count - start)
        answered += 1
        if !served { served = response.answersTheRequest }
    }

    /// The client asked for a shm channel: offer a region, or say why not.
    mutating func offerChannel(into output: inout [UInt8]) {
        guard offered == nil, channel == nil else {
            send(.failure(.badRequest, message: "shm: this connection already has a channel; open another connection for another"), into: &output)
            return
        }
        guard let channels, channels.limit.reserve() else {
            let maximum = channels?.limit.maximum ?? 0
            send(.failure(.tooManyChannels, message: maximum == 0
                    ? "shm: this server offers no shm channels (started with --max-shm-channels 0)"
                    : "shm: the server has its most shm channels open (\(maximum), --max-shm-channels); use ipc, or try again when one closes"),
                 into: &output)
            return
        }
        do throws(SharedMemoryError) {
            let (region, descriptor) = try SharedMemoryRegion.create()
            offered = (region, descriptor)
            output.append(contentsOf: SharedMemoryHandshake.Offer(pid: getpid(), descriptor: descriptor).line)
            output.append(UInt8(ascii: "\n"))
            answered += 1
            served = true
        } catch {
            channels.limit.release()
            send(.failure(.badRequest, message: "shm: the server cannot make a shared region (\(error)); use ipc"), into: &output)
        }
    }

    /// The client has mapped the region offered: close its descriptor and serve it.
    mutating func openChannel(into output: inout [UInt8]) {
        guard let (region, descriptor) = offered, let channels else {
            send(.failure(.badRequest, message: #"shm: no region was offered on this connection; send {"shm":"open"} first"#), into: &output)
            return
        }
        Glibc.close(descriptor)
        offered = nil
        let served = SharedMemoryChannel(
            region: region, limit: channels.limit, streamPolls: channels.streamPolls, metrics: channels.metrics,
            threads: channels.threads, hangUp: hangUp)
        guard served.start() else {
            hangUp()
            return
        }
        channel = served
    }
}
