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
        /// Closes the connection from any thread: to evict it, or when the server stops.
        let close: @Sendable () -> Void
        var served = false
        /// A shm channel's lifeline: open while the channel is, carrying nothing.
        var lifeline = false
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

    /// A connection's place in the server, which is marked once the connection has had
    /// a request answered, and given back when it closes.
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

        /// The connection has become a shm channel's lifeline.
        func becameLifeline() {
            _ = monitor.state.withLock { $0.entries[number]?.lifeline = true }
        }

        /// The connection has closed.
        func closed() {
            monitor.connectionClosed(number)
        }
    }

    /// Counts a new connection in until its admission's `closed()`, calling the oldest
    /// never-answered connection's `close` when the server is full; nil (and not
    /// counted) when every open connection has been answered at least once.
    func admit(close: @escaping @Sendable () -> Void) -> Admission? {
        let (number, evicted, open) = state.withLock { state -> (UInt64?, (@Sendable () -> Void)?, Int) in
            var evicted: (@Sendable () -> Void)?
            if state.entries.count >= maximumConnections {
                guard let oldest = state.entries.filter({ !$0.value.served }).min(by: { $0.key < $1.key }) else {
                    return (nil, nil, state.entries.count)
                }
                state.entries[oldest.key] = nil
                evicted = oldest.value.close
            }
            let number = state.nextNumber
            state.nextNumber += 1
            state.entries[number] = Entry(close: close)
            return (number, evicted, state.entries.count)
        }
        if let evicted {
            evicted()
            metrics?.evictedConnections.increment()
        }
        guard let number else {
            metrics?.refusedConnections.increment()
            return nil
        }
        metrics?.openConnections.record(open)
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

    /// Closes every open connection: the server is stopping.
    func closeAll() {
        let closers = state.withLock { $0.entries.values.map(\.close) }
        for close in closers { close() }
    }

    /// Connections open now.
    var openConnections: Int {
        state.withLock { $0.entries.count }
    }

    /// Connections open now that may still have replies to deliver: all but the idle
    /// lifelines of shm channels.
    var busyConnections: Int {
        state.withLock { $0.entries.values.count { !$0.lifeline } }
    }

    /// True when no connection is open and none has been for `seconds`.
    func idle(for seconds: Int) -> Bool {
        state.withLock { $0.entries.isEmpty && ContinuousClock.now - $0.idleSince >= .seconds(seconds) }
    }
}
