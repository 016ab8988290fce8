import ComplexWire
import Glibc
import Synchronization

/// The Unix socket's listening side: binds the path (0600 from its first moment) and
/// accepts connections on a thread of its own, handing each to `accept`.
final class SocketListener: Sendable {
    let path: String
    let descriptor: Int32
    private let stopping = Atomic<Bool>(false)
    private let thread = Mutex<pthread_t?>(nil)

    /// Binds `path`, made ready by `SocketFile.prepare`.
    init(path: String) throws(ServerError) {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .cannotBind(path, reason: String(cString: strerror(errno))) }
        let bound = SocketFile.withPrivateUmask {
            SocketLocation.withAddress(of: path) { Glibc.bind(fd, $0, $1) } == 0 && listen(fd, 256) == 0
        }
        guard bound else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw .cannotBind(path, reason: reason)
        }
        self.path = path
        self.descriptor = fd
    }

    /// Starts accepting; each new connection's descriptor goes to `accept`, on the
    /// listener's thread.
    func start(_ accept: @escaping @Sendable (Int32) -> Void) throws(ServerError) {
        guard let started = ServerThread.start({ self.acceptLoop(accept) }) else {
            throw .cannotBind(path, reason: "no thread to accept connections on")
        }
        thread.withLock { $0 = started }
    }

    func acceptLoop(_ accept: @Sendable (Int32) -> Void) {
        while !stopping.load(ordering: .acquiring) {
            let fd = Glibc.accept(descriptor, nil, nil)
            if fd >= 0 {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
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
    /// go on. The socket file is the server's to remove.
    func stop() {
        stopping.store(true, ordering: .releasing)
        // Wakes the thread blocked in accept (EINVAL).
        shutdown(descriptor, Int32(SHUT_RDWR))
        if let started = thread.withLock({ $0 }) { pthread_join(started, nil) }
        Glibc.close(descriptor)
    }
}
