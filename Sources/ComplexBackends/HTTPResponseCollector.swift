import NIOCore
import NIOHTTP1

/// The last handler of the `http` backend's codec pipeline: gathers the parts NIO's
/// response decoder fires into one response.
///
/// Taking the parts as they are fired, rather than queueing them in the
/// EmbeddedChannel and reading them back with `readInbound(as:)`, skips a dynamic
/// cast and a queue round trip per part; callgrind counted that at about a tenth of
/// the client's instructions per operation.
package final class HTTPResponseCollector: ChannelInboundHandler {
    package typealias InboundIn = HTTPClientResponsePart

    /// A whole response, once its end has been decoded.
    package struct Response {
        package var status: HTTPResponseStatus
        package var body: ByteBuffer
        package var keepAlive: Bool
    }

    /// What is kept of the head: holding the head itself would cost a copy and a
    /// destruction of its header list per response.
    var status: HTTPResponseStatus?
    var keepAlive = true
    /// The body so far: the decoder's own slice when it comes in one part, as it
    /// usually does, so nothing is copied.
    var body: ByteBuffer?
    /// Responses completed and not yet taken: pipelined replies often arrive in one read.
    var completed: [Response] = []
    var taken = 0
    /// True when a response ended without a head (never from NIO's decoder).
    var malformed = false

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let responseHead):
            status = responseHead.status
            keepAlive = responseHead.isKeepAlive
            body = nil
        case .body(var part):
            if body == nil { body = part } else { body!.writeBuffer(&part) }
        case .end:
            guard let status else {
                malformed = true
                return
            }
            completed.append(Response(status: status, body: body ?? ByteBuffer(), keepAlive: keepAlive))
            self.status = nil
            body = nil
        }
    }

    /// The oldest completed response not yet taken, if any.
    func takeResponse() -> Response? {
        guard taken < completed.count else {
            if taken > 0 {
                completed.removeAll(keepingCapacity: true)
                taken = 0
            }
            return nil
        }
        defer { taken += 1 }
        return completed[taken]
    }
}
