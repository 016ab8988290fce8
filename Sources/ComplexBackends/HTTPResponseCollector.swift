import NIOCore
import NIOHTTP1

/// The last handler of the `http` backend's codec pipeline: gathers the parts NIO's
/// response decoder fires into one response.
///
/// Taking the parts as they are fired, rather than queueing them in the
/// EmbeddedChannel and reading them back with `readInbound(as:)`, skips a dynamic
/// cast and a queue round trip per part; callgrind counted that at about a tenth of
/// the client's instructions per operation.
final class HTTPResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    /// A whole response, once its end has been decoded.
    struct Response {
        var status: HTTPResponseStatus
        var body: ByteBuffer
        var keepAlive: Bool
    }

    var head: HTTPResponseHead?
    /// The body so far: the decoder's own slice when it comes in one part, as it
    /// usually does, so nothing is copied.
    var body: ByteBuffer?
    var completed: Response?
    /// True when a response ended without a head (never from NIO's decoder).
    var malformed = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let responseHead):
            head = responseHead
            body = nil
        case .body(var part):
            if body == nil { body = part } else { body!.writeBuffer(&part) }
        case .end:
            guard let head else {
                malformed = true
                return
            }
            completed = Response(status: head.status, body: body ?? ByteBuffer(), keepAlive: head.isKeepAlive)
            self.head = nil
            body = nil
        }
    }

    /// The response completed since the last call, if any.
    func takeResponse() -> Response? {
        defer { completed = nil }
        return completed
    }
}
