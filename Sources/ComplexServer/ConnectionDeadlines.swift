import NIOCore

/// Closes a connection that sits idle too long, that takes too long to deliver a
/// request's head, or one whole request (a client trickling a byte per second would
/// otherwise hold it forever); and tells the server once a connection has had a
/// request answered, which keeps it from being pushed out when the server is full.
///
/// One repeating check per connection, rather than a timer per request, keeps the
/// per-request cost to one clock read. It sits in front of the protocol's decoder to
/// see bytes arrive; the request handler behind calls `requestAnswered()` directly
/// rather than through an outbound handler, which would add a pipeline hop to every
/// write and flush.
final class ConnectionDeadlines: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let timeouts: ConnectionTimeouts
    let admission: ActivityMonitor.Admission?
    /// Where each request's duration and the bytes read are counted.
    let metrics: ServerMetrics.Transport?
    var requestStarted: NIODeadline?
    /// When this read's requests were answered: read once per read, as pipelined
    /// requests answered in one read are answered within microseconds of each other.
    var answeredAt: NIODeadline?
    var headReceived = false
    var answeredOnce = false
    var lastActivity = NIODeadline.now()
    var check: RepeatedTask?

    init(timeouts: ConnectionTimeouts, admission: ActivityMonitor.Admission? = nil, metrics: ServerMetrics.Transport? = nil) {
        self.metrics = metrics
        self.timeouts = timeouts
        self.admission = admission
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    func start(context: ChannelHandlerContext) {
        guard check == nil else { return }
        lastActivity = .now()
        let period = TimeAmount.nanoseconds(Int64(timeouts.checkPeriod))
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let channel = context.channel
        check = context.eventLoop.scheduleRepeatedTask(initialDelay: period, delay: period) { _ in
            if bound.value.expired() { channel.close(promise: nil) }
        }
    }

    func expired() -> Bool {
        timeouts.expired(now: NIODeadline.now().uptimeNanoseconds, lastActivity: lastActivity.uptimeNanoseconds,
                         requestStarted: requestStarted?.uptimeNanoseconds, headReceived: headReceived)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let now = NIODeadline.now()
        if requestStarted == nil { requestStarted = now }
        lastActivity = now
        answeredAt = nil
        metrics?.bytesReceived.increment(by: Int64(unwrapInboundIn(data).readableBytes))
        context.fireChannelRead(data)
    }

    /// A response ends the request in progress (pipelined requests are answered in
    /// order). Answers are written in the tick that read the request, so the read's
    /// clock reading stands for the answer's.
    func requestAnswered() {
        if let metrics {
            // From the read that brought the request's first byte (a request pipelined
            // behind another in the same read counts from that read) to its answer.
            let now = answeredAt ?? NIODeadline.now()
            answeredAt = now
            metrics.duration.recordNanoseconds((now - (requestStarted ?? lastActivity)).nanoseconds)
        }
        requestStarted = nil
        headReceived = false
        if !answeredOnce {
            answeredOnce = true
            admission?.served()
        }
    }

    /// The request's head is in (HTTP); the rest may take up to the request deadline.
    /// On the socket a request is one line, all of it within the header deadline.
    func requestHeadReceived() {
        headReceived = true
    }

    /// The connection has become a shm channel's lifeline: it carries nothing more, and
    /// stays open while the channel is used, however long (the channels have their own
    /// limit).
    func becameLifeline() {
        check?.cancel()
        check = nil
        requestAnswered()
    }

    func channelInactive(context: ChannelHandlerContext) {
        check?.cancel()
        check = nil
        context.fireChannelInactive()
    }
}
