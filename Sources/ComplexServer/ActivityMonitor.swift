import NIOCore
import Synchronization

/// Counts open connections and notes when the server was last busy, so an
/// auto-started server can exit once nobody has used it for a while.
final class ActivityMonitor: Sendable {
    struct State {
        var open = 0
        var idleSince = ContinuousClock.now
    }
    let state = Mutex(State())

    let maximumConnections: Int

    init(maximumConnections: Int = .max) {
        self.maximumConnections = maximumConnections
    }

    /// Counts `channel` against the limit until it closes; false (and not counted)
    /// when the limit is reached.
    func admit(_ channel: Channel) -> Bool {
        guard connectionOpened() else { return false }
        channel.closeFuture.whenComplete { _ in self.connectionClosed() }
        return true
    }

    /// Counts a new connection; false (and not counted) when the limit is reached.
    func connectionOpened() -> Bool {
        state.withLock {
            guard $0.open < maximumConnections else { return false }
            $0.open += 1
            return true
        }
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
