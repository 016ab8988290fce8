import Synchronization

/// Counts open connections and notes when the server was last busy, so an
/// auto-started server can exit once nobody has used it for a while.
final class ActivityMonitor: Sendable {
    struct State {
        var open = 0
        var idleSince = ContinuousClock.now
    }
    let state = Mutex(State())

    func connectionOpened() {
        state.withLock { $0.open += 1 }
    }

    func connectionClosed() {
        state.withLock {
            $0.open -= 1
            if $0.open == 0 { $0.idleSince = .now }
        }
    }

    /// True when no connection is open and none has been for `seconds`.
    func idle(for seconds: Int) -> Bool {
        state.withLock { $0.open == 0 && ContinuousClock.now - $0.idleSince >= .seconds(seconds) }
    }
}
