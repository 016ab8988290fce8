import NIOCore
import Synchronization

/// Admits connections up to the server's limit, and notes when the server was last
/// busy, so an auto-started server can exit once nobody has used it for a while.
///
/// When the server is full, a new connection takes the place of the oldest one that
/// has not yet had a request answered. Slowloris (1,024 connections each sending a
/// byte a second, reconnecting when cut) once kept every legitimate client out for
/// 40 s; now the newcomer is admitted at once, and a client that was ever answered is
/// never pushed out.
final class ActivityMonitor: Sendable {
    struct Entry {
        let channel: Channel
        var served = false
    }

    struct State {
        /// Open connections by admission number (older connections, smaller numbers).
        var entries: [UInt64: Entry] = [:]
        var nextNumber: UInt64 = 0
        var idleSince = ContinuousClock.now
    }

    private let state = Mutex(State())
    let maximumConnections: Int
    let metrics: ServerMetrics?

    init(maximumConnections: Int = .max, metrics: ServerMetrics? = nil) {
        self.maximumConnections = maximumConnections
        self.metrics = metrics
    }

    /// A connection's place in the server, which its deadlines handler marks once the
    /// connection has had a request answered.
    final class Admission: Sendable {
        let monitor: ActivityMonitor
        let number: UInt64

        init(monitor: ActivityMonitor, number: UInt64) {
            self.monitor = monitor
            self.number = number
        }

        func served() {
            _ = monitor.state.withLock { $0.entries[number]?.served = true }
        }
    }

    /// Counts `channel` in until it closes, closing the oldest never-answered
    /// connection when the server is full; nil (and not counted) when every open
    /// connection has been answered at least once.
    func admit(_ channel: Channel) -> Admission? {
        let (number, evicted, open) = state.withLock { state -> (UInt64?, Channel?, Int) in
            var evicted: Channel?
            if state.entries.count >= maximumConnections {
                guard let oldest = state.entries.filter({ !$0.value.served }).min(by: { $0.key < $1.key }) else {
                    return (nil, nil, state.entries.count)
                }
                state.entries[oldest.key] = nil
                evicted = oldest.value.channel
            }
            let number = state.nextNumber
            state.nextNumber += 1
            state.entries[number] = Entry(channel: channel)
            return (number, evicted, state.entries.count)
        }
        if let evicted {
            evicted.close(promise: nil)
            metrics?.evictedConnections.increment()
        }
        guard let number else {
            metrics?.refusedConnections.increment()
            return nil
        }
        metrics?.openConnections.record(open)
        channel.closeFuture.whenComplete { _ in self.connectionClosed(number) }
        return Admission(monitor: self, number: number)
    }

    func connectionClosed(_ number: UInt64) {
        let open = state.withLock {
            $0.entries[number] = nil
            if $0.entries.isEmpty { $0.idleSince = .now }
            return $0.entries.count
        }
        metrics?.openConnections.record(open)
    }

    /// Connections open now.
    var openConnections: Int {
        state.withLock { $0.entries.count }
    }

    /// True when no connection is open and none has been for `seconds`.
    func idle(for seconds: Int) -> Bool {
        state.withLock { $0.entries.isEmpty && ContinuousClock.now - $0.idleSince >= .seconds(seconds) }
    }
}
