import ComplexWire
import Logging
import NIOCore

/// Answers newline-delimited JSON requests on one socket connection, in order, on the
/// connection's event loop (no thread hop per request). The responses to the requests
/// of one read are gathered in one buffer and written and flushed once when the read
/// is done: a pipelining client's burst costs one write, not one per request
/// (callgrind: 25,400 → … instructions per operation, docs/PERFORMANCE in README).
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
    /// The responses of the current read, not yet written.
    var pending: ByteBuffer?
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
        response.encode(to: &scratch, writer: &processor.writer)
        scratch.append(UInt8(ascii: "\n"))
        if pending == nil { pending = context.channel.allocator.buffer(capacity: Swift.max(scratch.count, 512)) }
        pending!.writeBytes(scratch)
        if let metrics = processor.metrics {
            processor.tally.sent(scratch.count)
            if case .failure(let code, _) = response { metrics.error(code) }
        }
        deadlines?.requestAnswered()
    }

    /// Writes and flushes the gathered responses; stops reading while the client
    /// leaves too many unread.
    func flushPending(context: ChannelHandlerContext) {
        guard let buffer = pending else { return }
        pending = nil
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
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
        flushPending(context: context)
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
        let buffer = pending ?? context.channel.allocator.buffer(capacity: 0)
        pending = nil
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in
            bound.value.close(promise: nil)
        }
    }

    /// Sends what is written, stops writing, and keeps reading (and discarding) for a
    /// moment: closing with unread input would make the kernel reset the connection
    /// and the client could lose the error reply.
    func answerThenHangUp(context: ChannelHandlerContext) {
        let buffer = pending ?? context.channel.allocator.buffer(capacity: 0)
        pending = nil
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in
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
