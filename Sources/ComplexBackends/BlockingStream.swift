import Glibc
import ComplexWire

/// A connected byte stream, used with blocking calls and time limits: a socket, or a
/// child process's stdin and stdout (two pipes).
///
/// The REPL waits for its answers anyway (one, or a batch in flight), so a blocking
/// stream on the caller's thread is the fastest client there is: no event loop, no
/// thread hop per operation.
package final class BlockingStream {
    /// Why a socket call failed, with errno's text.
    package struct Failure: Error {
        package var reason: String
        /// The other end closed or reset the connection. On a connection kept from an
        /// earlier operation that is usually the server's idle timeout (30 s by
        /// default) or a restart, not this request, so the backends send the request
        /// once more on a new connection; operations have no side effects, so a
        /// repeat is harmless.
        var peerClosed = false

        static func errno(_ what: String) -> Failure {
            Failure(reason: "\(what): \(String(cString: strerror(Glibc.errno)))",
                    peerClosed: Glibc.errno == EPIPE || Glibc.errno == ECONNRESET)
        }

        static let closedByServer = Failure(reason: "the server closed the connection", peerClosed: true)
    }

    /// What is read: the socket, or the read end of the child's stdout.
    let fd: Int32
    /// What is written: the socket again, or the write end of the child's stdin.
    let writeFD: Int32
    /// Two pipes rather than a socket: `read` and `write` instead of `recv` and `send`
    /// (which pipes do not take), and deadlines kept with `poll`.
    let isPipePair: Bool
    /// What the stream belongs to, released after its descriptors are closed: a child
    /// process, which then sees the end of its input and is ended.
    let owner: AnyObject?
    /// Why the other end closed, when it can say more than "closed" (a child's exit status).
    var closedReason: (() -> String)?
    /// How long `receive` polls before it blocks (0: block at once).
    var spinMicroseconds: UInt64 = 0
    /// How long the whole reply to what was last sent may take, however it arrives: a
    /// limit on each `recv` alone let a server that trickles a byte a second hold the
    /// client forever.
    let replyTimeoutSeconds: Int
    /// When the reply to the last `send` is due.
    var replyDeadline: UInt64 = 0

    static func monotonicMicroseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000 + UInt64(time.tv_nsec) / 1000
    }

    private init(fd: Int32, replyTimeoutSeconds: Int) {
        self.fd = fd
        self.writeFD = fd
        self.isPipePair = false
        self.owner = nil
        self.replyTimeoutSeconds = replyTimeoutSeconds
    }

    /// Takes over a child's stdout (`readFD`) and stdin (`writeFD`); both are made
    /// non-blocking, and closed with the stream, before `owner` is let go.
    package init(readFD: Int32, writeFD: Int32, owner: AnyObject?, replyTimeoutSeconds: Int) {
        self.fd = readFD
        self.writeFD = writeFD
        self.isPipePair = true
        self.owner = owner
        self.replyTimeoutSeconds = replyTimeoutSeconds
        for descriptor in [readFD, writeFD] { _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK) }
    }

    deinit {
        close(fd)
        if writeFD != fd { close(writeFD) }
    }

    /// The failure for a stream the other end has closed.
    var closed: Failure {
        Failure(reason: closedReason?() ?? Failure.closedByServer.reason, peerClosed: true)
    }

    /// Connects to a Unix socket.
    static func connect(unixPath path: String, timeoutSeconds: Int) throws(Failure) -> BlockingStream {
        guard path.utf8.count <= SocketLocation.maximumPathLength else {
            throw Failure(reason: "path longer than \(SocketLocation.maximumPathLength) bytes")
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .errno("socket") }
        let socket = BlockingStream(fd: fd, replyTimeoutSeconds: timeoutSeconds)
        // Before connecting: a connect to a server whose backlog is full waits for room,
        // for as long as the send timeout allows (EAGAIN after it).
        socket.setTimeouts(seconds: timeoutSeconds)
        let rc = SocketLocation.withAddress(of: path) { Glibc.connect(fd, $0, $1) }
        guard rc == 0 else {
            if errno == EAGAIN || errno == EWOULDBLOCK { throw Failure(reason: "connect: the server accepted nothing within \(timeoutSeconds) s") }
            throw .errno("connect")
        }
        return socket
    }

    /// Takes over a connected stream socket's descriptor (it is closed with the socket):
    /// one end of a `socketpair`, for a peer in the same process.
    package static func adopting(_ fd: Int32, timeoutSeconds: Int) -> BlockingStream {
        let socket = BlockingStream(fd: fd, replyTimeoutSeconds: timeoutSeconds)
        socket.setTimeouts(seconds: timeoutSeconds)
        return socket
    }

    /// Connects over TCP to an IPv4 or IPv6 literal address, with a connect time limit.
    static func connect(host: String, port: Int, timeoutSeconds: Int) throws(Failure) -> BlockingStream {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw Failure(reason: "cannot resolve \(host): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .errno("socket") }
        let socket = BlockingStream(fd: fd, replyTimeoutSeconds: timeoutSeconds)
        // Connect without blocking, then wait for it with poll, so a black hole cannot hang us.
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        if Glibc.connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0 {
            guard errno == EINPROGRESS else { throw .errno("connect") }
            var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            guard poll(&descriptor, 1, Int32(timeoutSeconds * 1000)) == 1 else {
                throw Failure(reason: "connect: no answer within \(timeoutSeconds) s")
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            guard error == 0 else { throw Failure(reason: "connect: \(String(cString: strerror(error)))") }
        }
        _ = fcntl(fd, F_SETFL, flags)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        socket.setTimeouts(seconds: timeoutSeconds)
        return socket
    }

    func setTimeouts(seconds: Int) {
        var limit = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends every byte, or fails; the reply to them is due within the time limit.
    func send(_ bytes: [UInt8]) throws(Failure) {
        replyDeadline = Self.monotonicMicroseconds() + UInt64(replyTimeoutSeconds) * 1_000_000
        if isPipePair { return try write(bytes) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { throw Failure(reason: "send: timed out") }
                throw .errno("send")
            }
            offset += n
        }
    }

    /// `send` down a pipe: a child that stops reading its input fails the write at the
    /// reply deadline, not never; one that has exited fails it with EPIPE, and the
    /// SIGPIPE that comes with it (which `send` suppresses with MSG_NOSIGNAL, and a pipe
    /// cannot) is blocked on this thread and taken back, so it never ends the REPL.
    func write(_ bytes: [UInt8]) throws(Failure) {
        var pipeSignal = sigset_t(), previous = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in Glibc.write(writeFD, raw.baseAddress! + offset, raw.count - offset) }
            if n >= 0 {
                offset += n
                continue
            }
            switch errno {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                let now = Self.monotonicMicroseconds()
                guard now < replyDeadline else { throw Failure(reason: "the command read none of its input for \(replyTimeoutSeconds) s") }
                var descriptor = pollfd(fd: writeFD, events: Int16(POLLOUT), revents: 0)
                _ = poll(&descriptor, 1, Int32(clamping: (replyDeadline - now + 999) / 1000))
            case EPIPE:
                if sigismember(&previous, SIGPIPE) == 0 {
                    var none = timespec()
                    _ = sigtimedwait(&pipeSignal, nil, &none)
                }
                throw closed
            default:
                throw .errno("write")
            }
        }
    }

    var timedOut: Failure { Failure(reason: "no complete reply within \(replyTimeoutSeconds) s") }

    /// Receives what is available (at least one byte) into `buffer` after `count`;
    /// returns how many bytes arrived, 0 at end of stream. Fails once the reply to the
    /// last `send` is overdue, however many bytes have trickled in.
    func receive(into buffer: inout [UInt8], after count: Int) throws(Failure) -> Int {
        if buffer.count - count < 4096 { buffer.append(contentsOf: repeatElement(0, count: max(buffer.count, 4096))) }
        // Every call looks at the deadline, the polling one too: a server that sends
        // without end (interim responses as fast as it can) kept a client that found
        // bytes at every poll busy for as long as the server liked.
        let start = Self.monotonicMicroseconds()
        guard start < replyDeadline else { throw timedOut }
        // Poll without blocking for a short while first: a reply from a local server
        // usually arrives within microseconds, and a thread that stays on its CPU is
        // not put to sleep and woken again (several µs per operation on a VM).
        if spinMicroseconds > 0 {
            let deadline = start + spinMicroseconds
            repeat {
                let n = readAvailable(into: &buffer, after: count)
                if n >= 0 { return n }
                if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR { throw .errno("recv") }
                // The server we just woke is often queued on this very CPU (the kernel
                // places a wakee beside a waker it expects to sleep): let it run rather
                // than spin it out of its turn. Measured with both pinned to one CPU:
                // http p99 130 µs → 68–80, ipc p99 70–80 → 31–34.
                sched_yield()
            } while Self.monotonicMicroseconds() < deadline
        }
        while true {
            let now = Self.monotonicMicroseconds()
            guard now < replyDeadline else { throw timedOut }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(clamping: (replyDeadline - now + 999) / 1000))
            if ready == 0 { throw timedOut }
            if ready < 0 {
                if errno == EINTR { continue }
                throw .errno("poll")
            }
            let n = readAvailable(into: &buffer, after: count)
            if n >= 0 { return n }
            if errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK { continue }
            throw .errno("recv")
        }
    }

    /// One read that does not wait: `recv` with MSG_DONTWAIT on a socket, `read` on the
    /// child's stdout (non-blocking since the stream took it).
    func readAvailable(into buffer: inout [UInt8], after count: Int) -> Int {
        buffer.withUnsafeMutableBytes { raw in
            isPipePair ? Glibc.read(fd, raw.baseAddress! + count, raw.count - count)
                       : recv(fd, raw.baseAddress! + count, raw.count - count, Int32(MSG_DONTWAIT))
        }
    }

    /// One line (without its newline) of at most `maximumLength` bytes, within the reply
    /// deadline: a handshake's answer, which nothing may follow.
    func receiveLine(maximumLength: Int) throws(Failure) -> [UInt8] {
        var buffer: [UInt8] = []
        var count = 0
        while true {
            let n = try receive(into: &buffer, after: count)
            if n == 0 { throw closed }
            count += n
            if let end = buffer[..<count].firstIndex(of: UInt8(ascii: "\n")) {
                guard end == count - 1 else { throw Failure(reason: "the server sent more than one line") }
                return Array(buffer[..<end])
            }
            if count > maximumLength { throw Failure(reason: "a line longer than \(maximumLength) bytes") }
        }
    }

    /// True when the other end has closed the connection, or sent something where
    /// nothing was due: a look without waiting.
    func peerHasClosed() -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) > 0
    }
}
