import Synchronization

/// The server's connection and channel threads, counted while they run, so that the
/// server can return from `run` only once every thread it started has ended, as
/// Hummingbird's `Server.run` returns after its child tasks.
final class ThreadGroup: Sendable {
    private let running = Atomic<Int>(0)

    init() {}

    /// Threads started here and not yet ended.
    var count: Int { running.load(ordering: .acquiring) }

    /// Runs `body` on a new detached thread, counted until it returns; false when no
    /// thread can be made.
    func detach(_ body: @escaping @Sendable () -> Void) -> Bool {
        running.add(1, ordering: .acquiringAndReleasing)
        let started = ServerThread.detach { [self] in
            body()
            running.subtract(1, ordering: .acquiringAndReleasing)
        }
        if !started { running.subtract(1, ordering: .acquiringAndReleasing) }
        return started
    }

    /// Waits until every thread has ended, or `seconds` have passed; true when none runs.
    func waitUntilEnded(seconds: Double) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while count > 0 {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return true
    }
}
