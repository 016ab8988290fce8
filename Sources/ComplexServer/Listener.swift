import ComplexWire
import CSocket
import Glibc
import Synchronization

/// A listening socket, Unix (bound 0600 from its first moment) or TCP, that accepts
/// connections on a thread of its own and hands each to `accept`.
final class Listener: Sendable {
    /// What it listens on, for errors: the socket's path, or the HTTP URL.
    let name: String
    let descriptor: Int32
    /// The TCP port bound (the one the system chose for port 0); nil for a Unix socket.
    let port: Int?
    private let stopping = Atomic<Bool>(false)
    /// Connections the kernel queues before they are accepted (capped by
    /// net.core.somaxconn, 4096 by default): a burst of a thousand connections waits
    /// for the accepting thread rather than being turned away by the kernel.
    static let backlog: Int32 = 4096
    private let thread = Mutex<pthread_t?>(nil)

    /// Binds the Unix socket `path`, made ready by `SocketFile.prepare`.
    init(path: String) throws(ServerError) {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .cannotBind(path, reason: String(cString: strerror(errno))) }
        let bound = SocketFile.withPrivateUmask {
            SocketLocation.withAddress(of: path) { Glibc.bind(fd, $0, $1) } == 0 && listen(fd, Self.backlog) == 0
        }
        guard bound else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw .cannotBind(path, reason: reason)
        }
        self.name = path
        self.descriptor = fd
        self.port = nil
    }

    /// Binds `address`, whose host is numeric (`127.0.0.1`, `::1`).
    init(address: HTTPAddress) throws(ServerError) {
        let name = "http://\(address)"
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(address.host, String(address.port), &hints, &list)
        guard rc == 0, let info = list else { throw .cannotBind(name, reason: String(cString: gai_strerror(rc))) }
        defer { freeaddrinfo(list) }
        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .cannotBind(name, reason: String(cString: strerror(errno))) }
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        guard Glibc.bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0, listen(fd, Self.backlog) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw .cannotBind(name, reason: reason)
        }
        var bound = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let port = withUnsafeMutablePointer(to: &bound) { pointer -> Int in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
            let family = Int32(pointer.pointee.ss_family)
            if family == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
        self.name = name
        self.descriptor = fd
        self.port = port
    }

    /// Starts accepting; each new connection's descriptor goes to `accept`, on the
    /// listener's thread.
    func start(_ accept: @escaping @Sendable (Int32) -> Void) throws(ServerError) {
        guard let started = ServerThread.start({ self.acceptLoop(accept) }) else {
            throw .cannotBind(name, reason: "no thread to accept connections on")
        }
        thread.withLock { $0 = started }
    }

    /// True once `start` has its thread accepting.
    var isAccepting: Bool { thread.withLock { $0 != nil } }

    func acceptLoop(_ accept: @Sendable (Int32) -> Void) {
        while !stopping.load(ordering: .acquiring) {
            let fd = cx_accept_cloexec(descriptor)
            if fd >= 0 {
                if port != nil {
                    // Responses go out whole, one write each: Nagle would only delay them.
                    var on: Int32 = 1
                    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
                }
                accept(fd)
                continue
            }
            switch errno {
            case EINTR, ECONNABORTED, EPROTO:
                continue
            default:
                // Out of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM): the
                // waiting connection stays queued; try again shortly rather than spin.
                // After `stop()`, the loop's condition ends it.
                usleep(10_000)
            }
        }
    }

    /// Stops accepting and closes the listening socket; connections already accepted
    /// go on. A Unix socket's file is the server's to remove.
    func stop() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        // Wakes the thread blocked in accept (EINVAL).
        shutdown(descriptor, Int32(SHUT_RDWR))
        if let started = thread.withLock({ $0 }) { pthread_join(started, nil) }
        Glibc.close(descriptor)
    }
}
