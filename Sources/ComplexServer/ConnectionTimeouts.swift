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

    /// When a connection last active at `lastActivity`, with a request begun at
    /// `requestStarted` (nil: none) whose head is or is not in, runs out of time.
    /// `Connection` sets each wait to the time left until then, so a client is cut when
    /// its deadline passes, however its bytes trickle.
    func deadline(lastActivity: UInt64, requestStarted: UInt64?, headReceived: Bool) -> UInt64 {
        if let requestStarted {
            return requestStarted &+ (headReceived ? request : header)
        }
        return lastActivity &+ idle
    }
}
