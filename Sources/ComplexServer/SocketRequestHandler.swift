import ComplexWire
import NIOCore

/// Answers newline-delimited JSON requests on one socket connection, in order, on the
/// connection's event loop (no thread hop per request), the responses of one read
/// written together (`ResponseBatch`).
final class SocketRequestHandler: ChannelInboundHandler {
    typealias InboundIn = LineFrameDecoder.Frame
    typealias OutboundOut = ByteBuffer

    let maximumLineLength: Int
    let deadlines: ConnectionDeadlines?
    var processor = RequestProcessor()
    var scratch: [UInt8] = []
    let responses = ResponseBatch()
    var writer = JSONWriter()

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
        case .lines(let lines):
            lines.withUnsafeReadableBytes { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                var start = 0
                while start < bytes.count {
                    let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
                    let response = processor.respond(to: UnsafeBufferPointer(rebasing: bytes[start..<end]))
                    send(response, context: context)
                    start = end + 1
                }
            }
        case .tooLong:
            send(WireResponse(.lineTooLong(limit: maximumLineLength)), context: context)
            answerThenHangUp(context: context)
        }
    }

    func send(_ response: WireResponse, context: ChannelHandlerContext) {
        scratch.removeAll(keepingCapacity: true)
        response.encode(to: &scratch, writer: &writer)
        scratch.append(UInt8(ascii: "\n"))
        responses.append(scratch, allocator: context.channel.allocator)
        if let metrics = processor.metrics {
            processor.tally.sent(scratch.count)
            if case .failure(let code, _) = response { metrics.error(code) }
        }
        deadlines?.requestAnswered()
    }

    func channelInactive(context: ChannelHandlerContext) {
        processor.flushMetrics()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        responses.writabilityChanged(context: context)
        context.fireChannelWritabilityChanged()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        processor.flushMetrics()
        responses.flush(context: context)
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
        let buffer = responses.take(allocator: context.channel.allocator)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in
            bound.value.close(promise: nil)
        }
    }

    /// Sends what is written, stops writing, and keeps reading (and discarding) for a
    /// moment: closing with unread input would make the kernel reset the connection
    /// and the client could lose the error reply.
    func answerThenHangUp(context: ChannelHandlerContext) {
        let buffer = responses.take(allocator: context.channel.allocator)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in
            bound.value.close(mode: .output, promise: nil)
        }
        let channel = context.channel
        context.eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // The stream is unusable (most often the client vanished mid-request, which is
        // routine): close it. Nothing is logged; the metrics count the connection.
        context.close(promise: nil)
    }
}
