/// When a connection has been given long enough: idle between requests, delivering a
/// request's head, or one whole request. One rule for both transports, the socket and
/// HTTP: every connection's thread (`Connection`) applies it.
struct ConnectionTimeouts: Sendable {
    /// Idle between requests, in nanoseconds.
    let idle: UInt64
    /// One whole request (head and body).
    let request: UInt64
    /// A request's head; on the socket, its whole line. Never longer than `request`.
    let header: UInt64

    init(idleSeconds: Double, requestSeconds: Double, headerSeconds: Double) {
        idle = UInt64(idleSeconds * 1e9)
        request = UInt64(requestSeconds * 1e9)
        header = UInt64(min(headerSeconds, requestSeconds) * 1e9)
    }

    /// How often a connection looks at its clock: often enough to cut a client within a
    /// quarter of its shortest deadline, never more than every 10 ms.
    var checkPeriod: UInt64 {
        max(min(idle, request, header) / 4, 10_000_000)
    }

    /// True when a connection last active at `lastActivity`, with a request begun at
    /// `requestStarted` (nil: none) whose head is or is not in, has run out of time at `now`.
    func expired(now: UInt64, lastActivity: UInt64, requestStarted: UInt64?, headReceived: Bool) -> Bool {
        if let requestStarted {
            return now &- requestStarted > (headReceived ? request : header)
        }
        return now &- lastActivity > idle
    }
}
