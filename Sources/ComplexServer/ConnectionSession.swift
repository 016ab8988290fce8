/// One connection's protocol without its I/O, as `Connection` drives it: the bytes of
/// each read in, the replies to every request they complete out, gathered for one
/// write. `SocketSession` and `HTTPSession` are the two; the tests and fuzz targets drive
/// them directly.
protocol ConnectionSession: SendableMetatype {
    /// Answers every request that `bytes` completes, appending the replies to `output`.
    mutating func receive(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) -> SessionOutcome
    /// The end of the stream: answers what it completes.
    mutating func finish(into output: inout [UInt8])
    /// The connection has closed.
    mutating func close()
    /// The replies written since the last call.
    mutating func takeAnswered() -> Int
    /// Adds the connection's counts to the shared metrics: once per read.
    mutating func flushMetrics()
    /// True while a request has begun and not ended.
    var requestInProgress: Bool { get }
    /// True once the request in progress has its head (HTTP): the rest may take up to the
    /// request deadline rather than the header deadline.
    var headReceived: Bool { get }
    /// True once the connection only keeps a shm channel alive: no deadlines apply.
    var isLifeline: Bool { get }
}

/// What a connection does after a read.
package enum SessionOutcome: Equatable {
    /// Read on.
    case open
    /// Send the replies (the last says why), then close.
    case hangUp
}
