/// One connection's protocol without its I/O, as `Connection` drives it: the bytes of
/// each read in, the replies to every request they complete out, gathered for one
/// write. `SocketSession` and `HTTPSession` are the two; the tests and fuzz targets drive
/// them directly.
protocol ConnectionSession: SendableMetatype {
    /// The requests of a read are answered, and their replies written, this many bytes
    /// of requests at a time, so that a pipelining client decodes the first replies and
    /// tops its requests up while the server computes the rest, instead of the two
    /// taking turns. The transport's own: it sets how many requests share one write.
    static var sliceBytes: Int { get }

    /// Answers the requests that `bytes` completes, appending the replies to `output`,
    /// until `output` holds `budget` bytes or more: then `.paused` says how many of
    /// `bytes` it took, and the connection writes the replies before it gives the rest
    /// (again, or an empty buffer when all were taken) to be answered. So a connection
    /// holds at most about `budget` bytes of unsent replies, however few bytes of
    /// requests ask for them.
    mutating func receive(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8], budget: Int) -> SessionOutcome
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
    /// True once a request has been answered rather than refused (a result, an
    /// operation's error, a 2xx; not `bad_json`, not `401`): the connection then ranks
    /// above those never answered when the server chooses whom to evict.
    var hasBeenServed: Bool { get }
}

/// What a connection does after a read.
package enum SessionOutcome: Equatable {
    /// Read on.
    case open
    /// Send the replies (the last says why), then close.
    case hangUp
    /// The output reached its budget after `consumed` bytes of the input: send it,
    /// then give the rest.
    case paused(consumed: Int)
}

extension ConnectionSession {
    /// Answers every request that `bytes` completes, however much output that makes:
    /// what the tests and fuzz targets drive, one read at a time.
    mutating func receive(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) -> SessionOutcome {
        receive(bytes, into: &output, budget: .max)
    }
}
