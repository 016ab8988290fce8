import NIOCore

/// The responses a connection's handler has written since its last flush, and its
/// backpressure: what the socket and HTTP handlers share.
///
/// The responses to every request of one read are gathered in one buffer and written
/// and flushed once when the read is done, so a pipelining client's burst costs one
/// write, not one per request. Once the replies a client has not read pass the
/// channel's high water mark (64 KiB), the connection stops reading until they drain:
/// a client that writes and never reads once grew the server by 720 MB.
///
/// A class, not a struct in the handler: a write can fire `channelWritabilityChanged`
/// back into the handler while `flush` runs, and a struct's mutating `flush` would still
/// be accessing it (a run-time exclusivity violation, found by `LimitsTests`).
final class ResponseBatch {
    var pending: ByteBuffer?
    var readingPaused = false

    /// Adds a response's bytes.
    func append(_ bytes: [UInt8], allocator: ByteBufferAllocator) {
        if pending == nil { pending = allocator.buffer(capacity: Swift.max(bytes.count, 512)) }
        pending!.writeBytes(bytes)
    }

    /// The gathered bytes, emptied; an empty buffer when there are none.
    func take(allocator: ByteBufferAllocator) -> ByteBuffer {
        defer { pending = nil }
        return pending ?? allocator.buffer(capacity: 0)
    }

    /// Writes and flushes what is gathered, then stops reading if the client leaves
    /// too much unread.
    func flush(context: ChannelHandlerContext) {
        guard let buffer = pending else { return }
        pending = nil
        context.writeAndFlush(NIOAny(buffer), promise: nil)
        if !readingPaused && !context.channel.isWritable {
            readingPaused = true
            try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
        }
    }

    /// Reads again once the client has caught up.
    func writabilityChanged(context: ChannelHandlerContext) {
        if readingPaused && context.channel.isWritable {
            readingPaused = false
            try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: true)
        }
    }
}
