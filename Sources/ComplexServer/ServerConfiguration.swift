import ComplexWire

/// What `Server` listens on and the limits it enforces.
package struct ServerConfiguration: Sendable {
    /// The Unix socket path, or nil for no socket listener.
    package var socketPath: String?
    /// The HTTP listener's address, or nil for none.
    package var http: HTTPAddress?
    /// The gRPC listener's address, or nil for none.
    package var grpc: HTTPAddress?
    /// When set, every HTTP request must carry `Authorization: Bearer <token>`, and
    /// every gRPC call `authorization: Bearer <token>` metadata.
    package var token: String?
    /// Longest HTTP request body, in bytes (413 beyond), and longest gRPC message
    /// (its call reset beyond).
    package var maximumBodyLength = 64 * 1024
    /// Seconds a connection may sit idle between requests before it is closed.
    package var idleTimeoutSeconds: Double = 30
    /// Seconds a client may take to deliver one whole request (head and body, or a line).
    package var requestTimeoutSeconds: Double = 10
    /// Seconds a client may take to deliver a request's head (on the socket, its line):
    /// shorter than the request deadline, so connections that trickle (Slowloris) are
    /// cut sooner.
    package var headerTimeoutSeconds: Double = 3
    /// Connections served at once (socket, HTTP and gRPC together); more are answered
    /// with `too_many_connections` (HTTP 503; gRPC's are closed) and closed.
    package var maximumConnections = 1024
    /// shm channels open at once (each holds a thread that serves it); more are
    /// answered with `too_many_channels`. 0: the server offers none.
    package var maximumSharedMemoryChannels = 64
    /// Longest request line on the socket, in bytes; a longer one gets
    /// `line_too_long` and the connection is closed.
    package var maximumLineLength = 64 * 1024
    /// Exit after this many seconds without a connection (auto-started servers); nil: never.
    package var idleExitSeconds: Int?
    /// Writes the metrics in Prometheus's text format, for `GET /metrics`; nil: no such
    /// route (the executable sets it once it has bootstrapped swift-metrics' backend).
    package var metricsExposition: (@Sendable (inout [UInt8]) -> Void)?

    package init(socketPath: String?, http: HTTPAddress? = nil, grpc: HTTPAddress? = nil, token: String? = nil, idleExitSeconds: Int? = nil) {
        self.socketPath = socketPath
        self.http = http
        self.grpc = grpc
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
