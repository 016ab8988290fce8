import ComplexWire
import NIOCore

/// Counts each connection against the server's limit, first thing in its pipeline.
/// One over the limit is sent `refusal` (the transport's own error: a JSON line, or an
/// HTTP 503) and closed; nothing it sends reaches the handlers behind.
final class ConnectionLimit: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let activity: ActivityMonitor
    let refusal: [UInt8]
    var counted = false

    init(activity: ActivityMonitor, refusal: [UInt8]) {
        self.activity = activity
        self.refusal = refusal
    }

    /// The refusal's JSON body.
    static func refusalBody(limit: Int) -> [UInt8] {
        var out: [UInt8] = []
        var writer = JSONWriter()
        WireResponse.failure(code: "too_many_connections", message: "the server is at its connection limit (\(limit)); try again later")
            .encode(to: &out, writer: &writer)
        return out
    }

    func channelActive(context: ChannelHandlerContext) {
        counted = activity.connectionOpened()
        guard counted else {
            var buffer = context.channel.allocator.buffer(capacity: refusal.count)
            buffer.writeBytes(refusal)
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in
                bound.value.close(mode: .output, promise: nil)
            }
            // Keep reading (and dropping) for a moment, so the refusal is not lost to a reset.
            let channel = context.channel
            context.eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
            return
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if counted { context.fireChannelRead(data) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if counted { activity.connectionClosed() }
        context.fireChannelInactive()
    }
}
