import Glibc

/// Serves one client on the process's own stdin and stdout (`complex-server --stdio`),
/// in the socket's protocol (docs/PROTOCOL.md, "stdio"): the `stdio` backend's default
/// child. It reads as a socket connection does, a read at a time (polling before it
/// sleeps, `receive`), answers a slice of requests at a time and writes their replies
/// (`SocketSession`, the same session the socket listener runs), and exits when its
/// input ends. It has no deadlines of its own: its parent owns it, and ends it by
/// closing its input.
package enum StdioServer {
    /// Serves until the end of `input` (or until `output` is closed); the exit status.
    package static func serve(maximumLineLength: Int, input: Int32 = 0, output: Int32 = 1) -> Int32 {
        // A parent that has gone makes writes fail with EPIPE, which ends the loop; the
        // signal would end the process without that.
        signal(SIGPIPE, SIG_IGN)
        var session = SocketSession(maximumLineLength: maximumLineLength)
        defer { session.close() }
        var buffer = [UInt8](unsafeUninitializedCapacity: Connection.readBytes) { _, count in count = Connection.readBytes }
        var replies: [UInt8] = []
        replies.reserveCapacity(4096)
        while true {
            let count = receive(input, into: &buffer).count
            if count < 0 {
                if errno == EINTR { continue }
                return 1
            }
            if count == 0 {
                session.finish(into: &replies)
                return write(replies, to: output) ? 0 : 1
            }
            var offset = 0
            var paused = false
            repeat {
                let end = min(offset + SocketSession.sliceBytes, count)
                let outcome = buffer.withUnsafeBufferPointer {
                    session.receive(UnsafeBufferPointer(rebasing: $0[offset..<end]), into: &replies, budget: Connection.outputBudget)
                }
                switch outcome {
                case .open: offset = end; paused = false
                case .paused(let consumed): offset += consumed; paused = true
                case .hangUp:
                    _ = write(replies, to: output)
                    return 1
                }
                guard write(replies, to: output) else { return 0 }
                replies.removeAll(keepingCapacity: true)
            } while offset < count || paused
            _ = session.takeAnswered()
        }
    }

    /// Reads what `input` has (at least a byte; 0 at its end, -1 on an error), looking
    /// for bytes without waiting (`poll` with no timeout, `sched_yield` between looks)
    /// for up to `ServerThread.pollNanoseconds` before the read sleeps, as a socket
    /// connection's thread does: a client that sends its next request within that time
    /// finds the child awake, and pays no wake-up. (The socket server's place limit has
    /// no part here: a child serves one client, and polls after each of its requests
    /// only.) Not O_NONBLOCK: stdin may be a description other processes share, a
    /// terminal's. Returns also how long it polled before the look that found input
    /// (0 when the first did).
    static func receive(_ input: Int32, into buffer: inout [UInt8]) -> (count: Int, polledNanoseconds: UInt64) {
        let start = Connection.now()
        var polled: UInt64 = 0
        while true {
            var descriptor = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
            // Bytes, the end, an error or a signal: the read says which.
            if poll(&descriptor, 1, 0) != 0 { break }
            polled = Connection.now() &- start
            if polled >= ServerThread.pollNanoseconds { break }
            sched_yield()
        }
        return (buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }, polled)
    }

    /// Writes all of `bytes`; false once the reader has gone.
    static func write(_ bytes: [UInt8], to fd: Int32) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n > 0 {
                    offset += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
    }
}
