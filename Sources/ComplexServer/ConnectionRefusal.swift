import ComplexWire
import NIOCore

/// The whole pipeline of a connection over the server's limit: it is sent `refusal`
/// (the transport's own error: a JSON line, or an HTTP 503) and closed; nothing it
/// sends is answered.
///
/// Connections under the limit never see this handler: admission is decided once, in
/// the channel initializer (`ActivityMonitor.admit`), so requests pay nothing for it.
final class ConnectionRefusal: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let refusal: [UInt8]

    init(refusal: [UInt8]) {
        self.refusal = refusal
    }

    /// Counts `channel` in (its admission), or, when the server is full of connections
    /// that have all been answered, makes its whole pipeline a refusal (nil). Called
    /// once, from the channel initializer.
    static func admit(_ channel: Channel, activity: ActivityMonitor, refusal: [UInt8]) throws -> ActivityMonitor.Admission? {
        guard let admission = activity.admit(close: { channel.close(promise: nil) }) else {
            try channel.pipeline.syncOperations.addHandler(ConnectionRefusal(refusal: refusal))
            return nil
        }
        channel.closeFuture.whenComplete { _ in admission.closed() }
        return admission
    }

    /// The refusal's JSON body.
    static func body(limit: Int) -> [UInt8] {
        var out: [UInt8] = []
        var writer = JSONWriter()
        WireResponse.failure(.tooManyConnections, message: "the server is at its connection limit (\(limit)); try again later")
            .encode(to: &out, writer: &writer)
        return out
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { refuse(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        refuse(context: context)
    }

    func refuse(context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: refusal.count)
        buffer.writeBytes(refusal)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in
            bound.value.close(mode: .output, promise: nil)
        }
        // Keep reading (and dropping) for a moment, so the refusal is not lost to a reset.
        let channel = context.channel
        context.eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
