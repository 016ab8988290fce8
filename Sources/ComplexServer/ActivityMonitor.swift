import Synchronization

/// Admits connections up to the server's limit, and notes when the server was last
/// busy, so an auto-started server can exit once nobody has used it for a while.
///
/// **Fair admission.** When the server is full, a newcomer takes the place of the
/// connection that matters least: first one never answered (only refused: `bad_json`,
/// `401`, or nothing sent), then an HTTP connection, then a socket connection, and
/// within each the one idle longest. So connections that merely exist cannot keep
/// anyone out: slowloris, floods of garbage, and 1,024 connections answered once and then
/// quiet, each lose their place to a newcomer within one admission.
///
/// **The socket keeps its places.** An HTTP or gRPC newcomer never takes the place of a socket
/// connection that has been answered: the socket file is 0600, so its clients are the
/// server's own user, while any local user (and, with a token, any host) can open HTTP
/// connections. A socket connection never answered is anyone's to take. No newcomer
/// takes a shm channel's lifeline (the channels have their own limit).
///
/// **Threads stay bounded.** An evicted connection's thread stops at its next slice of
/// work, but until it has, it is a thread beyond the limit; so is a refused connection's
/// while its refusal drains (`Connection.refuse`). Both take one of `spareThreads`'
/// places; with none left, a newcomer is refused at once, without a thread. So the
/// server's connection threads never exceed the limit plus `spareThreadCount`
/// (RELIABILITY.md).
final class ActivityMonitor: Sendable {
    /// Threads beyond the connection limit, at most: evicted connections still ending,
    /// and refusals draining.
    static let spareThreadCount = 64

    /// Which listener a connection came through.
    enum Transport: Sendable {
        /// gRPC's connections rank as HTTP's: anyone may open them.
        case socket, http, grpc
    }

    struct Entry {
        let admission: Admission
        /// Closes the connection from any thread: to evict it, or when the server stops.
        let close: @Sendable () -> Void
        /// Evicted: its place is given away, and its thread is ending.
        var evicted = false
    }

    struct State {
        /// Open connections by admission number (older connections, smaller numbers).
        var entries: [UInt64: Entry] = [:]
        var nextNumber: UInt64 = 0
        /// Entries evicted whose threads have not yet ended: each holds a spare thread.
        var evictionsPending = 0
        var idleSince = ContinuousClock.now

        /// Connections holding a place: all but the evicted.
        var placesTaken: Int { entries.count - evictionsPending }
    }

    private let state = Mutex(State())
    let maximumConnections: Int
    let metrics: ServerMetrics?
    /// Threads beyond the limit: an eviction takes one until the evicted thread ends,
    /// and `Server` takes one for each refusal it drains.
    let spareThreads = PlaceLimit(maximum: ActivityMonitor.spareThreadCount)

    init(maximumConnections: Int = .max, metrics: ServerMetrics? = nil) {
        self.maximumConnections = maximumConnections
        self.metrics = metrics
    }

    /// A connection's place in the server. Its thread notes, without a lock, when it was
    /// last active and whether it has been answered; the monitor reads that only when it
    /// must choose whom to evict.
    final class Admission: Sendable {
        let monitor: ActivityMonitor
        let number: UInt64
        let transport: Transport
        /// `SharedMemoryRegion.monotonicNanoseconds()` of the connection's last read.
        private let lastActive: Atomic<UInt64>
        private let answered = Atomic<Bool>(false)
        private let lifeline = Atomic<Bool>(false)

        init(monitor: ActivityMonitor, number: UInt64, transport: Transport, now: UInt64) {
            self.monitor = monitor
            self.number = number
            self.transport = transport
            self.lastActive = Atomic(now)
        }

        /// The connection read something at `now`.
        func active(at now: UInt64) {
            lastActive.store(now, ordering: .relaxed)
        }

        /// The connection has had a request answered, not refused
        /// (`ConnectionSession.hasBeenServed`).
        func served() {
            answered.store(true, ordering: .relaxed)
        }

        /// The connection has become a shm channel's lifeline.
        func becameLifeline() {
            lifeline.store(true, ordering: .relaxed)
        }

        var isLifeline: Bool { lifeline.load(ordering: .relaxed) }

        var isAnswered: Bool { answered.load(ordering: .relaxed) }

        /// Smaller is evicted first: never answered, then HTTP, then the socket; within
        /// each, idle longest.
        var evictionOrder: (Int, Int, UInt64) {
            (isAnswered ? 1 : 0, transport == .socket ? 1 : 0, lastActive.load(ordering: .relaxed))
        }

        /// The connection has closed.
        func closed() {
            monitor.connectionClosed(number)
        }
    }

    /// Counts a new connection in until its admission's `closed()`, calling `close` of
    /// the connection that matters least when the server is full; nil (and not counted)
    /// when no connection may be evicted for it.
    func admit(_ transport: Transport, now: UInt64, close: @escaping @Sendable () -> Void) -> Admission? {
        let (admission, evicted) = state.withLock { state -> (Admission?, (@Sendable () -> Void)?) in
            var evicted: (@Sendable () -> Void)?
            if state.placesTaken >= maximumConnections {
                guard let victim = Self.victim(in: state.entries, for: transport), spareThreads.reserve() else {
                    return (nil, nil)
                }
                state.entries[victim]!.evicted = true
                state.evictionsPending += 1
                evicted = state.entries[victim]!.close
            }
            let admission = Admission(monitor: self, number: state.nextNumber, transport: transport, now: now)
            state.nextNumber += 1
            state.entries[admission.number] = Entry(admission: admission, close: close)
            // Recorded under the lock, so that the gauge's last value is the last count: a
            // record made after the lock could land after a later close's and leave the
            // gauge one too high until the next connection.
            metrics?.openConnections.record(state.placesTaken)
            return (admission, evicted)
        }
        if let evicted {
            evicted()
            metrics?.evictedConnections.increment()
        }
        guard let admission else {
            metrics?.refusedConnections.increment()
            return nil
        }
        return admission
    }

    /// The number of the connection a newcomer over `transport` evicts; nil: none may be.
    static func victim(in entries: [UInt64: Entry], for transport: Transport) -> UInt64? {
        var chosen: (number: UInt64, order: (Int, Int, UInt64))?
        for (number, entry) in entries where !entry.evicted {
            let admission = entry.admission
            if transport != .socket && admission.transport == .socket && admission.isAnswered { continue }
            if admission.isLifeline { continue }
            let order = admission.evictionOrder
            if chosen == nil || order < chosen!.order { chosen = (number, order) }
        }
        return chosen?.number
    }

    func connectionClosed(_ number: UInt64) {
        state.withLock {
            if $0.entries.removeValue(forKey: number)?.evicted == true {
                $0.evictionsPending -= 1
                spareThreads.release()
            }
            if $0.entries.isEmpty { $0.idleSince = .now }
            metrics?.openConnections.record($0.placesTaken)  // under the lock, as in `admit`
        }
    }

    /// Closes every open connection: the server is stopping.
    func closeAll() {
        let closers = state.withLock { $0.entries.values.map(\.close) }
        for close in closers { close() }
    }

    /// Connections open now (evicted ones whose threads are ending included).
    var openConnections: Int {
        state.withLock { $0.entries.count }
    }

    /// Connections open now that may still have replies to deliver: all but the idle
    /// lifelines of shm channels, and those evicted.
    var busyConnections: Int {
        state.withLock { $0.entries.values.count { !$0.admission.isLifeline && !$0.evicted } }
    }

    /// True when no connection is open and none has been for `seconds`.
    func idle(for seconds: Int) -> Bool {
        state.withLock { $0.entries.isEmpty && ContinuousClock.now - $0.idleSince >= .seconds(seconds) }
    }
}
