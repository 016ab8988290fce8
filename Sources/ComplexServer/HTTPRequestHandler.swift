import ComplexLanguage
import ComplexWire
import NIOCore
import NIOHTTP1

/// Answers HTTP/1.1 requests on the connection's event loop: `POST /<op>` with the
/// operands as JSON, `GET /health`, `GET /ops` (docs/PROTOCOL.md).
final class HTTPRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    /// Responses are laid out here, in one buffer per response: a fixed shape (status
    /// line, three headers, JSON body) needs no encoder, and one write per response
    /// is measurably cheaper. Requests are parsed by NIO's HTTPRequestDecoder.
    typealias OutboundOut = ByteBuffer

    let maximumBodyLength: Int
    let expectedToken: [UInt8]?
    let deadlines: ConnectionDeadlines?
    /// The decoder in front of this handler, replaced after a request that stopped it.
    var decoder: ByteToMessageHandler<HTTPRequestDecoder>?
    var processor = RequestProcessor()
    var head: HTTPRequestHead?
    var body: ByteBuffer?
    var bodyTooLarge = false
    /// The response body, then the whole response, reused from request to request.
    var scratch: [UInt8] = []
    var response: [UInt8] = []
    /// Pipelined requests read together are answered with one write (`ResponseBatch`).
    let responses = ResponseBatch()
    var writer = JSONWriter()

    /// Writes the Prometheus text of `GET /metrics`; nil: no such route.
    let metricsExposition: (@Sendable (inout [UInt8]) -> Void)?

    init(maximumBodyLength: Int, token: String?, deadlines: ConnectionDeadlines? = nil,
         decoder: ByteToMessageHandler<HTTPRequestDecoder>? = nil, metrics: ServerMetrics.Transport? = nil,
         metricsExposition: (@Sendable (inout [UInt8]) -> Void)? = nil) {
        self.decoder = decoder
        self.processor.metrics = metrics
        self.metricsExposition = metricsExposition
        self.maximumBodyLength = maximumBodyLength
        self.expectedToken = token.map { Array($0.utf8) }
        self.deadlines = deadlines
    }

    /// The whole 503 response sent to a connection over the server's limit.
    static func refusal(limit: Int) -> [UInt8] {
        let body = ConnectionRefusal.body(limit: limit) + [UInt8(ascii: "\n")]
        let head = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        return Array(head.utf8) + body
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = nil
            bodyTooLarge = false
            deadlines?.requestHeadReceived()
            if requestHead.version == .http1_1, requestHead.headers.first(name: "expect")?.lowercased() == "100-continue" {
                // The client waits for this before it sends the body (RFC 9110 §10.1.1).
                // After the responses gathered before it, in order.
                responses.append(Self.continueResponse, allocator: context.channel.allocator)
                responses.flush(context: context)
            }
        case .body(var part):
            guard !bodyTooLarge else { return }
            if (body?.readableBytes ?? 0) + part.readableBytes > maximumBodyLength {
                bodyTooLarge = true
                body = nil
                return
            }
            if body == nil { body = part } else { body!.writeBuffer(&part) }
        case .end:
            guard let head else { return }
            self.head = nil
            respond(to: head, context: context)
            if Self.asksToLeaveHTTP(head) {
                flush(context: context)
                resumeDecoding(context: context)
                // The requests the stopped decoder held are answered while it is removed,
                // outside any read, so no read's end would flush their responses.
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.execute { bound.value.0.flush(context: bound.value.1) }
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        processor.flushMetrics()
        flush(context: context)
        context.fireChannelReadComplete()
    }

    func flush(context: ChannelHandlerContext) {
        responses.flush(context: context)
    }

    /// Backpressure, as on the socket: a client that pipelines and never reads stops
    /// being read once its unread replies pass the channel's high water mark.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        responses.writabilityChanged(context: context)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        processor.flushMetrics()
        context.fireChannelInactive()
    }

    /// CONNECT, or an `Upgrade` offer (`curl --http2` asks for h2c): NIO's decoder
    /// stops parsing after such a request, expecting another protocol to take over.
    /// This server never upgrades, so it answers as HTTP/1.1 does when it declines.
    static func asksToLeaveHTTP(_ head: HTTPRequestHead) -> Bool {
        if head.method == .CONNECT { return true }
        guard head.headers.contains(name: "upgrade") else { return false }
        return head.headers[canonicalForm: "connection"].contains { $0.lowercased() == "upgrade" }
    }

    /// Puts a new decoder behind the stopped one and removes the stopped one, which
    /// hands what it holds of the following requests to the new one (its leftover
    /// bytes strategy is `.forwardBytes`): the connection goes on being served. Those
    /// requests arrive while this runs, and one of them may stop the new decoder in
    /// turn, so the decoder is tracked by instance, not looked up by type.
    func resumeDecoding(context: ChannelHandlerContext) {
        guard let stopped = decoder else {
            context.close(promise: nil)
            return
        }
        let fresh = Self.makeDecoder()
        decoder = fresh
        let pipeline = context.pipeline.syncOperations
        do {
            try pipeline.addHandler(fresh, position: .after(stopped))
            pipeline.removeHandler(stopped, promise: nil)
        } catch {
            context.close(promise: nil)
        }
    }

    /// The request decoder every HTTP connection gets.
    static func makeDecoder() -> ByteToMessageHandler<HTTPRequestDecoder> {
        ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes))
    }

    func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        if let expectedToken {
            guard Self.bearerToken(in: head).map({ Self.constantTimeEqual($0, expectedToken) }) == true else {
                send(.failure(.unauthorized, message: "missing or wrong Authorization: Bearer token"), head: head, context: context)
                return
            }
        }
        if bodyTooLarge {
            send(WireResponse(.bodyTooLarge(limit: maximumBodyLength)), head: head, context: context, close: true)
            return
        }
        let path = Self.path(of: head.uri)
        switch (head.method, path) {
        case (.GET, "/health"), (.HEAD, "/health"):
            sendRaw(#"{"status":"ok"}"#, head: head, context: context)
        case (.GET, "/ops"), (.HEAD, "/ops"):
            let list = MathOperation.allCases.map { #"{"name":"\#($0.rawValue)","arity":\#($0.arity.upperBound),"min_arity":\#($0.arity.lowerBound)}"# }
            sendRaw(#"{"operations":["# + list.joined(separator: ",") + "]}", head: head, context: context)
        case (.GET, "/openapi.yaml"), (.HEAD, "/openapi.yaml"):
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: OpenAPIDocument.yaml.utf8)
            write(status: .ok, head: head, context: context, close: false, allow: nil, contentHeaders: Self.yamlContentHeaders)
        case (.GET, "/metrics") where metricsExposition != nil, (.HEAD, "/metrics") where metricsExposition != nil:
            scratch.removeAll(keepingCapacity: true)
            metricsExposition!(&scratch)
            if scratch.last == UInt8(ascii: "\n") { scratch.removeLast() }  // the response adds it
            write(status: .ok, head: head, context: context, close: false, allow: nil, contentHeaders: Self.prometheusContentHeaders)
        case (_, "/metrics") where metricsExposition != nil:
            send(.failure(.methodNotAllowed, message: "\(path) answers GET"), head: head, context: context, allow: "GET, HEAD")
        case (_, "/health"), (_, "/ops"), (_, "/openapi.yaml"):
            send(.failure(.methodNotAllowed, message: "\(path) answers GET"), head: head, context: context, allow: "GET, HEAD")
        case (.CONNECT, _):
            send(.failure(.methodNotAllowed, message: "this server is no proxy: POST /<op>, GET /health"), head: head, context: context, allow: "GET, HEAD, POST")
        default:
            guard let operation = Self.operations[path] else {
                send(.failure(.notFound, message: "no route \(path); POST /<op> (GET /ops lists them), GET /health"), head: head, context: context)
                return
            }
            guard head.method == .POST else {
                send(.failure(.methodNotAllowed, message: "\(path) answers POST"), head: head, context: context, allow: "POST")
                return
            }
            let payload = body ?? context.channel.allocator.buffer(capacity: 0)
            let response = payload.withUnsafeReadableBytes { raw in
                processor.respond(to: raw.bindMemory(to: UInt8.self), operation: operation)
            }
            send(response, head: head, context: context)
        }
        body = nil
    }

    func send(_ response: WireResponse, head: HTTPRequestHead, context: ChannelHandlerContext, close: Bool = false, allow: String? = nil) {
        if case .failure(let code, _) = response { processor.metrics?.error(code) }
        scratch.removeAll(keepingCapacity: true)
        response.encode(to: &scratch, writer: &writer)
        write(status: HTTPStatusMapping.status(for: response), head: head, context: context, close: close, allow: allow)
    }

    func sendRaw(_ json: String, head: HTTPRequestHead, context: ChannelHandlerContext) {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: json.utf8)
        write(status: .ok, head: head, context: context, close: false, allow: nil)
    }

    func write(status: HTTPResponseStatus, head: HTTPRequestHead, context: ChannelHandlerContext, close: Bool, allow: String?,
               contentHeaders: [UInt8]? = nil) {
        let keepAlive = head.isKeepAlive && !close
        // The response is laid out in a reused array and copied into the channel's
        // buffer once: callgrind counted a third of this method's instructions in
        // ByteBuffer's per-call bookkeeping when each piece was written separately.
        response.removeAll(keepingCapacity: true)
        if status == .ok && head.version == .http1_1 && contentHeaders == nil {
            response.append(contentsOf: Self.okPrefix)
        } else {
            response.append(contentsOf: (head.version.minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ").utf8)
            response.appendDecimal(UInt64(status.code))
            response.append(UInt8(ascii: " "))
            response.append(contentsOf: status.reasonPhrase.utf8)
            response.append(contentsOf: contentHeaders ?? Self.contentHeaders)
        }
        response.appendDecimal(UInt64(scratch.count + 1))
        if let allow { response.append(contentsOf: "\r\nAllow: \(allow)".utf8) }
        if !keepAlive {
            response.append(contentsOf: "\r\nConnection: close".utf8)
        } else if head.version.minor == 0 {
            response.append(contentsOf: "\r\nConnection: keep-alive".utf8)
        }
        response.append(contentsOf: Self.headEnd)
        if head.method != .HEAD {  // a HEAD response has the headers of GET's and no body
            response.append(contentsOf: scratch)
            response.append(UInt8(ascii: "\n"))
        }
        responses.append(response, allocator: context.channel.allocator)
        if processor.metrics != nil { processor.tally.sent(response.count) }
        deadlines?.requestAnswered()
        if !keepAlive {
            let buffer = responses.take(allocator: context.channel.allocator)
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in bound.value.close(promise: nil) }
        }
    }

    /// `/add` → `.add`, and so on: one hash of the path instead of slicing it and
    /// comparing it with every operation's name.
    static let operations = Dictionary(uniqueKeysWithValues: MathOperation.allCases.map { ("/" + $0.rawValue, $0) })
    static let contentHeaders = Array("\r\nContent-Type: application/json\r\nContent-Length: ".utf8)
    static let yamlContentHeaders = Array("\r\nContent-Type: application/yaml\r\nContent-Length: ".utf8)
    static let prometheusContentHeaders = Array("\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: ".utf8)
    static let okPrefix = Array("HTTP/1.1 200 OK".utf8) + contentHeaders
    static let headEnd = Array("\r\n\r\n".utf8)

    static let continueResponse = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// The request target's path: origin-form (`/add?x`) without its query, and
    /// absolute-form (`http://host:port/add`, which RFC 9112 §3.2.2 says a server must
    /// accept) without its scheme and authority.
    static func path(of target: String) -> String {
        var path = Substring(target)
        if !path.hasPrefix("/"), let colon = path.firstIndex(of: ":"), path[colon...].hasPrefix("://") {
            let scheme = path[..<colon].lowercased()
            if scheme == "http" || scheme == "https" {
                let authorityAndPath = path[path.index(colon, offsetBy: 3)...]
                path = authorityAndPath.firstIndex(of: "/").map { authorityAndPath[$0...] } ?? "/"
            }
        }
        if let query = path.firstIndex(of: "?") { path = path[..<query] }
        return String(path)
    }

    /// The token of `Authorization: Bearer <token>`, the scheme in any case and one or
    /// more spaces after it (RFC 9110 §11.4, §11.6.2); nil for anything else.
    static func bearerToken(in head: HTTPRequestHead) -> [UInt8]? {
        guard let value = head.headers.first(name: "authorization") else { return nil }
        let bytes = Array(value.utf8)
        let scheme = Array("bearer".utf8)
        guard bytes.count > scheme.count, bytes[scheme.count] == UInt8(ascii: " "),
              zip(bytes, scheme).allSatisfy({ $0 | 0x20 == $1 }) else { return nil }
        let start = bytes[scheme.count...].firstIndex { $0 != UInt8(ascii: " ") } ?? bytes.count
        return Array(bytes[start...])
    }

    /// Compares without an early exit, so timing does not reveal how much of a token
    /// matched; the lengths are compared in full (a length folded into a byte would let
    /// a token followed by 256 more bytes through).
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = a.count ^ b.count
        for i in 0..<b.count {
            difference |= Int((i < a.count ? a[i] : 0) ^ b[i])
        }
        return difference == 0
    }

    /// A request NIO's decoder cannot parse: answer 400 and close, as HTTP requires.
    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard error is HTTPParserError || error is NIOHTTPDecoderError else {
            context.close(promise: nil)
            return
        }
        scratch.removeAll(keepingCapacity: true)
        WireResponse.failure(.badRequest, message: "malformed HTTP request").encode(to: &scratch, writer: &writer)
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/", headers: ["connection": "close"])
        write(status: .badRequest, head: head, context: context, close: true, allow: nil)
    }
}
