/// What a socket connection needs to open shm channels: the server's limit on them,
/// and where their requests are counted.
struct SharedMemoryChannels: Sendable {
    let limit: SharedMemoryChannel.Limit
    let metrics: ServerMetrics.Transport?
}
