/// What a socket connection is allowed for shm channels: the server-wide limit on how
/// many are open (shared by every connection), and where their requests are counted.
struct SharedMemoryAllowance: Sendable {
    let limit: PlaceLimit
    /// The channels' threads that may poll through a streaming client's pauses at once
    /// (`SharedMemoryChannel.streamPollNanoseconds`), server-wide.
    var streamPolls = PlaceLimit(maximum: ServerThread.pollers)
    let metrics: ServerMetrics.Transport?
    /// Where the channels' threads are counted, so the server waits for them.
    var threads = ThreadGroup()
}
