import ComplexWire
import Logging
import NIOCore

/// Answers newline-delimited JSON requests on one socket connection, in order, on the
/// connection's event loop (no thread hop per request). Responses to pipelined
/// requests are flushed together once the loop has read what is available.
///
/// Backpressure: once the replies a client has not read pass the channel's high water
/// mark (64 KiB), the connection stops reading until they drain. A client that writes
/// and never reads once grew the server by 720 MB.
final class SocketRequestHandler: ChannelInboundHandler {
    typealias InboundIn = LineFrameDecoder.Frame
    typealias OutboundOut = ByteBuffer

    let maximumLineLength: Int
    let deadlines: ConnectionDeadlines?
    var processor = RequestProcessor()
    var scratch: [UInt8] = []
    var unflushed = false
    var readingPaused = false

    init(maximumLineLength: Int, deadlines: ConnectionDeadlines?, metrics: ServerMetrics.Transport? = nil) {
        self.maximumLineLength = maximumLineLength
        self.deadlines = deadlines
        self.processor.metrics = metrics
        scratch.reserveCapacity(256)
    }

    /// The line sent to a connection over the server's limit.
    static func refusal(limit: Int) -> [UInt8] {
        ConnectionRefusal.body(limit: limit) + [UInt8(ascii: "\n")]
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .line(let line):
            let response = line.withUnsafeReadableBytes { raw in
                processor.respond(to: raw.bindMemory(to: UInt8.self))
            }
            send(response, context: context)
        case .tooLong:
            send(WireResponse(.lineTooLong(limit: maximumLineLength)), context: context)
            answerThenHangUp(context: context)
        }
    }

    func send(_ response: WireResponse, context: ChannelHandlerContext) {
        scratch.removeAll(keepingCapacity: true)
        response.encode(to: &scratch, writer: &processor.writer)
        scratch.append(UInt8(ascii: "\n"))
        var buffer = context.channel.allocator.buffer(capacity: scratch.count)
        buffer.writeBytes(scratch)
        context.write(wrapOutboundOut(buffer), promise: nil)
        if let metrics = processor.metrics {
            processor.tally.sent(scratch.count)
            if case .failure(let code, _) = response { metrics.error(code) }
        }
        deadlines?.requestAnswered()
        unflushed = true
        if !readingPaused && !context.channel.isWritable {
            readingPaused = true
            try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        processor.flushMetrics()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if readingPaused && context.channel.isWritable {
            readingPaused = false
            try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: true)
        }
        context.fireChannelWritabilityChanged()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        processor.flushMetrics()
        if unflushed {
            unflushed = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            // The client closed its write side (the demo's style): answer what it sent, then close.
            flushThenClose(context: context)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Closes once everything written so far has reached the socket.
    func flushThenClose(context: ChannelHandlerContext) {
        unflushed = false
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            bound.value.close(promise: nil)
        }
    }

    /// Sends what is written, stops writing, and keeps reading (and discarding) for a
    /// moment: closing with unread input would make the kernel reset the connection
    /// and the client could lose the error reply.
    func answerThenHangUp(context: ChannelHandlerContext) {
        unflushed = false
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            bound.value.close(mode: .output, promise: nil)
        }
        let channel = context.channel
        context.eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A client that vanished mid-request is routine; anything else is logged by the server.
        context.close(promise: nil)
    }
}
