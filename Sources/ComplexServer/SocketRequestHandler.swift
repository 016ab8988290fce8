import ComplexWire
import Glibc
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
    /// Where shm channels come from; nil: this connection is offered none.
    let channels: SharedMemoryChannels?
    /// The region offered to this connection's client, and the descriptor it opens it by,
    /// until the client says it has mapped it.
    var offered: (region: SharedMemoryRegion, descriptor: Int32)?
    /// The channel this connection is the lifeline of.
    var channel: SharedMemoryChannel?

    init(maximumLineLength: Int, deadlines: ConnectionDeadlines?, metrics: ServerMetrics.Transport? = nil,
         channels: SharedMemoryChannels? = nil) {
        self.maximumLineLength = maximumLineLength
        self.deadlines = deadlines
        self.processor.metrics = metrics
        self.channels = channels
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
                    let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
                    if line.count == SharedMemoryHandshake.openLine.count && line.elementsEqual(SharedMemoryHandshake.openLine) {
                        offerChannel(context: context)
                    } else if line.count == SharedMemoryHandshake.mappedLine.count && line.elementsEqual(SharedMemoryHandshake.mappedLine) {
                        openChannel(context: context)
                    } else {
                        send(processor.respond(to: line), context: context)
                    }
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

    /// The client asked for a shm channel: offer a region, or say why not.
    func offerChannel(context: ChannelHandlerContext) {
        guard offered == nil, channel == nil else {
            send(.failure(.badRequest, message: "shm: this connection already has a channel; open another connection for another"), context: context)
            return
        }
        guard let channels, channels.limit.reserve() else {
            let maximum = channels?.limit.maximum ?? 0
            send(.failure(.tooManyChannels, message: maximum == 0
                    ? "shm: this server offers no shm channels (started with --max-shm-channels 0)"
                    : "shm: the server has its most shm channels open (\(maximum), --max-shm-channels); use ipc, or try again when one closes"),
                 context: context)
            return
        }
        do throws(SharedMemoryError) {
            let (region, descriptor) = try SharedMemoryRegion.create()
            offered = (region, descriptor)
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: SharedMemoryHandshake.Offer(pid: getpid(), descriptor: descriptor).line)
            scratch.append(UInt8(ascii: "\n"))
            responses.append(scratch, allocator: context.channel.allocator)
            deadlines?.requestAnswered()
        } catch {
            channels.limit.release()
            send(.failure(.badRequest, message: "shm: the server cannot make a shared region (\(error)); use ipc"), context: context)
        }
    }

    /// The client has mapped the region offered: close its descriptor and serve it.
    func openChannel(context: ChannelHandlerContext) {
        guard let (region, descriptor) = offered, let channels else {
            send(.failure(.badRequest, message: #"shm: no region was offered on this connection; send {"shm":"open"} first"#), context: context)
            return
        }
        Glibc.close(descriptor)
        offered = nil
        let connection = context.channel
        let served = SharedMemoryChannel(region: region, limit: channels.limit, metrics: channels.metrics) {
            connection.close(promise: nil)
        }
        guard served.start() else {
            context.close(promise: nil)
            return
        }
        channel = served
        deadlines?.becameLifeline()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let (_, descriptor) = offered {
            Glibc.close(descriptor)
            channels?.limit.release()
            offered = nil
        }
        channel?.close()
        channel = nil
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
