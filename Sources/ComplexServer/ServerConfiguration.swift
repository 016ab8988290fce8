/// What `ComplexServer` listens on and the limits it enforces.
public struct ServerConfiguration: Sendable {
    /// The Unix socket path, or nil for no socket listener.
    public var socketPath: String?
    /// Longest request line on the socket, in bytes; a longer one gets
    /// `line_too_long` and the connection is closed.
    public var maximumLineLength = 64 * 1024
    /// Exit after this many seconds without a connection (auto-started servers); nil: never.
    public var idleExitSeconds: Int?
    /// Event-loop threads; requests are answered on the loop that reads them.
    public var threads: Int

    public init(socketPath: String?, idleExitSeconds: Int? = nil, threads: Int = 2) {
        self.socketPath = socketPath
        self.idleExitSeconds = idleExitSeconds
        self.threads = threads
    }
}
