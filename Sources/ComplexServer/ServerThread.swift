import Glibc

/// The server's own threads: a socket connection's, a shm channel's, and the socket
/// listener's, each blocking in its own system calls rather than waiting on an event loop.
///
/// Each is created with every signal blocked (a new thread takes its creator's mask):
/// the server reads SIGINT and SIGTERM through a dispatch source, and a thread that took
/// one instead could lose it.
enum ServerThread {
    /// Stack for each thread: the request path's frames are small, and the socket
    /// server runs one thread per connection (up to `--max-connections`).
    static let stackBytes = 512 * 1024
    /// How long a thread polls for its client's next request before it sleeps: a
    /// connection's for its socket's next bytes, a shm channel's for its request ring.
    /// The next request of a client that calls in a loop or pipelines arrives within
    /// microseconds, and one at a prompt seconds later; a thread that slept between
    /// them made its client wait for a wake-up each time, several µs on a VM, which
    /// was most of a round trip over the socket.
    static let pollNanoseconds: UInt64 = 50_000
    /// How many threads may poll at once, server-wide, for each kind of poll: each
    /// takes a processor while it does, so however many clients keep them polling, at
    /// most half the machine's processors (at least one) do; the others sleep at once.
    static var pollers: Int { max(sysconf(Int32(_SC_NPROCESSORS_ONLN)) / 2, 1) }

    final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Runs `body` on a new thread; nil when the system cannot make one.
    static func start(_ body: @escaping @Sendable () -> Void) -> pthread_t? {
        var thread = pthread_t()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackBytes)
        var all = sigset_t(), previous = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_SETMASK, &all, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        let rc = pthread_create(&thread, &attributes, { context in
            Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            return nil
        }
        return thread
    }

    /// Runs `body` on a new thread nobody joins; false when none can be made.
    static func detach(_ body: @escaping @Sendable () -> Void) -> Bool {
        guard let thread = start(body) else { return false }
        pthread_detach(thread)
        return true
    }
}
