import ComplexWire

/// What `Server` listens on and the limits it enforces.
public struct ServerConfiguration: Sendable {
    /// The Unix socket path, or nil for no socket listener.
    public var socketPath: String?
    /// The HTTP listener's address, or nil for none.
    public var http: HTTPAddress?
    /// When set, every HTTP request must carry `Authorization: Bearer <token>`.
    public var token: String?
    /// Longest HTTP request body, in bytes (413 beyond).
    public var maximumBodyLength = 64 * 1024
    /// Seconds a connection may sit idle between requests before it is closed.
    public var idleTimeoutSeconds: Double = 30
    /// Seconds a client may take to deliver one whole request (head and body, or a line).
    public var requestTimeoutSeconds: Double = 10
    /// Seconds a client may take to deliver a request's head (on the socket, its line):
    /// shorter than the request deadline, so connections that trickle (Slowloris) are
    /// cut sooner.
    public var headerTimeoutSeconds: Double = 3
    /// Connections served at once (socket and HTTP together); more are answered with
    /// `too_many_connections` (HTTP 503) and closed.
    public var maximumConnections = 1024
    /// shm channels open at once (each holds a thread that serves it); more are
    /// answered with `too_many_channels`. 0: the server offers none.
    public var maximumSharedMemoryChannels = 64
    /// Longest request line on the socket, in bytes; a longer one gets
    /// `line_too_long` and the connection is closed.
    public var maximumLineLength = 64 * 1024
    /// Exit after this many seconds without a connection (auto-started servers); nil: never.
    public var idleExitSeconds: Int?
    /// Writes the metrics in Prometheus's text format, for `GET /metrics`; nil: no such
    /// route (the executable sets it once it has bootstrapped swift-metrics' backend).
    public var metricsExposition: (@Sendable (inout [UInt8]) -> Void)?

    public init(socketPath: String?, http: HTTPAddress? = nil, token: String? = nil, idleExitSeconds: Int? = nil) {
        self.socketPath = socketPath
        self.http = http
        self.token = token
        self.idleExitSeconds = idleExitSeconds
    }
}

extension ServerConfiguration {
    /// The deadlines every connection is held to.
    var timeouts: ConnectionTimeouts {
        ConnectionTimeouts(idleSeconds: idleTimeoutSeconds, requestSeconds: requestTimeoutSeconds, headerSeconds: headerTimeoutSeconds)
    }
}
