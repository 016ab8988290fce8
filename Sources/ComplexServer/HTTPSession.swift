import ComplexLanguage
import ComplexWire

/// One HTTP/1.1 connection's protocol (docs/PROTOCOL.md, "HTTP/1.1") without its I/O:
/// `POST /<op>` with the operands as JSON, `GET /health`, `GET /ops`, `GET
/// /openapi.yaml`, `GET /metrics`. Requests are parsed by `HTTPRequestParser`; the
/// responses to every request a read completes are laid out in one output, in order,
/// for one write. `Connection` does the reading and writing; the tests and the fuzz
/// target `fuzz-http` drive a session directly.
package struct HTTPSession: ConnectionSession {
    /// An HTTP request is five times a socket request's size (150 bytes against 30), so
    /// its slice is larger for a like number of requests to a write: at 4 KiB the writes
    /// (a system call, and a wakeup of the client, each) were most of the server's
    /// time beyond the requests' own.
    static var sliceBytes: Int { 16 * 1024 }

    let maximumBodyLength: Int
    let expectedToken: [UInt8]?
    /// Writes the Prometheus text of `GET /metrics`; nil: no such route.
    let metricsExposition: (@Sendable (inout [UInt8]) -> Void)?
    var parser: HTTPRequestParser
    var processor = RequestProcessor()
    var writer = JSONWriter()
    /// The response body, reused from request to request.
    var scratch: [UInt8] = []
    /// Replies written since the connection last took the count.
    var answered = 0
    /// `100 Continue` has been sent for the request in progress.
    var continued = false
    /// A response said `Connection: close`: nothing more is read.
    var closing = false
    /// A request has been answered (a 2xx, or an operation's error), not refused.
    var served = false

    /// A session with no metrics route: what the fuzz target drives.
    package init(maximumBodyLength: Int, token: String?) {
        self.init(maximumBodyLength: maximumBodyLength, token: token, metrics: nil)
    }

    init(maximumBodyLength: Int, token: String?, metrics: ServerMetrics.Transport?,
         metricsExposition: (@Sendable (inout [UInt8]) -> Void)? = nil) {
        self.maximumBodyLength = maximumBodyLength
        self.expectedToken = token.map { Array($0.utf8) }
        self.metricsExposition = metricsExposition
        self.parser = HTTPRequestParser(maximumBodyLength: maximumBodyLength)
        self.processor.metrics = metrics
        scratch.reserveCapacity(256)
    }

    var requestInProgress: Bool { parser.requestInProgress }
    var headReceived: Bool { parser.headAwaitingBody != nil }
    var isLifeline: Bool { false }
    var hasBeenServed: Bool { served }

    /// Answers the requests that `bytes` completes, appending the responses to `output`
    /// until it holds `budget` bytes (the rest wait in the parser: `.paused` takes all of
    /// `bytes`); `.hangUp` after a response that closes the connection (`Connection:
    /// close`, HTTP/1.0, a malformed request, a body over the limit).
    package mutating func receive(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8], budget: Int) -> SessionOutcome {
        guard !closing else { return .hangUp }
        parser.feed(bytes)
        var answeredHere = false
        while !closing {
            // At least one request is answered per call, so a pause always makes progress.
            if answeredHere && output.count >= budget { return .paused(consumed: bytes.count) }
            answeredHere = true
            let event: HTTPRequestParser.Event?
            do throws(HTTPRequestParser.Malformed) {
                event = try parser.next()
            } catch {
                var head = HTTPRequestParser.Head()
                head.keepAlive = false
                send(.failure(.badRequest, message: "malformed HTTP request: \(error)"), head: head, into: &output)
                break
            }
            guard let event else { break }
            continued = false
            switch event {
            case .request(let head, let body):
                respond(to: head, body: body, into: &output)
            case .bodyTooLarge(var head):
                // Its body is not read: the connection cannot go on.
                head.keepAlive = false
                if authorized(head) {
                    send(WireResponse(.bodyTooLarge(limit: maximumBodyLength)), head: head, into: &output)
                } else {
                    send(.failure(.unauthorized, message: "missing or wrong Authorization: Bearer token"), head: head, into: &output)
                }
            }
        }
        if !closing, !continued, let head = parser.headAwaitingBody, head.expectsContinue, head.minorVersion == 1 {
            // The client waits for this before it sends the body (RFC 9110 §10.1.1).
            output.append(contentsOf: Self.continueResponse)
            continued = true
        }
        return closing ? .hangUp : .open
    }

    /// The end of the stream: a request cut short is not answered.
    package mutating func finish(into output: inout [UInt8]) {}

    package mutating func close() {
        processor.flushMetrics()
    }

    mutating func takeAnswered() -> Int {
        defer { answered = 0 }
        return answered
    }

    mutating func flushMetrics() {
        processor.flushMetrics()
    }

    func authorized(_ head: HTTPRequestParser.Head) -> Bool {
        guard let expectedToken else { return true }
        return head.authorization.map { BearerToken.matches($0, expectedToken) } == true
    }

    mutating func respond(to head: HTTPRequestParser.Head, body: ArraySlice<UInt8>, into output: inout [UInt8]) {
        guard authorized(head) else {
            send(.failure(.unauthorized, message: "missing or wrong Authorization: Bearer token"), head: head, into: &output)
            return
        }
        if let operation = head.operation, head.method == .post {
            // POST /<op>, routed by the target's bytes: no String compared, no lookup by
            // name (the same answer as the `default` route below).
            answer(operation, body: body, head: head, into: &output)
            return
        }
        let path = Self.path(of: head.target)
        let readable = head.method == .get || head.method == .head
        switch path {
        case "/health" where readable:
            sendRaw(#"{"status":"ok"}"#, head: head, into: &output)
        case "/ops" where readable:
            write(status: 200, head: head, body: Self.operationsDocument, into: &output)
        case "/openapi.yaml" where readable:
            // Written from the one copy, not through `scratch`: a connection that asks
            // for it keeps no 28 KB buffer of its own.
            write(status: 200, head: head, body: Self.openAPIDocument, into: &output, contentHeaders: Self.yamlContentHeaders)
        case "/metrics" where readable && metricsExposition != nil:
            scratch.removeAll(keepingCapacity: true)
            metricsExposition!(&scratch)
            if scratch.last == UInt8(ascii: "\n") { scratch.removeLast() }  // the response adds it
            write(status: 200, head: head, body: scratch, into: &output, contentHeaders: Self.prometheusContentHeaders)
        case "/metrics" where metricsExposition != nil, "/health", "/ops", "/openapi.yaml":
            send(.failure(.methodNotAllowed, message: "\(path) answers GET"), head: head, into: &output, allow: "GET, HEAD")
        case _ where head.method == .connect:
            send(.failure(.methodNotAllowed, message: "this server is no proxy: POST /<op>, GET /health"), head: head, into: &output, allow: "GET, HEAD, POST")
        default:
            guard let operation = Self.operations[path] else {
                send(.failure(.notFound, message: "no route \(path); POST /<op> (GET /ops lists them), GET /health"), head: head, into: &output)
                return
            }
            guard head.method == .post else {
                send(.failure(.methodNotAllowed, message: "\(path) answers POST"), head: head, into: &output, allow: "POST")
                return
            }
            answer(operation, body: body, head: head, into: &output)
        }
    }

    /// Computes `POST /<op>`'s answer and sends it.
    mutating func answer(_ operation: MathOperation, body: ArraySlice<UInt8>, head: HTTPRequestParser.Head, into output: inout [UInt8]) {
        // The id is the header's: one the body has is read and not echoed.
        var ignored: Range<Int>?
        let response = body.withUnsafeBufferPointer { processor.respond(to: $0, operation: operation, id: &ignored) }
        send(response, head: head, into: &output)
    }

    mutating func send(_ response: WireResponse, head: HTTPRequestParser.Head, into output: inout [UInt8], allow: String? = nil) {
        scratch.removeAll(keepingCapacity: true)
        response.encode(to: &scratch, writer: &writer)
        write(status: HTTPStatusMapping.status(for: response), head: head, body: scratch, into: &output, allow: allow, reporting: response)
    }

    mutating func sendRaw(_ json: String, head: HTTPRequestParser.Head, into output: inout [UInt8]) {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: json.utf8)
        write(status: 200, head: head, body: scratch, into: &output)
    }

    /// Lays out one response (status line, headers, `body` and a newline) after the others.
    /// `reporting` is the protocol response the body carries, if it is one, for the metrics.
    mutating func write(status: Int, head: HTTPRequestParser.Head, body: [UInt8], into output: inout [UInt8], allow: String? = nil,
                        contentHeaders: [UInt8]? = nil, reporting response: WireResponse? = nil) {
        let start = output.count
        if status == 200 && head.minorVersion == 1 && head.keepAlive && head.method != .head && contentHeaders == nil && allow == nil {
            // Nearly every response: one write into room made once (piece by piece, the
            // appends were a twentieth of a pipelined request's instructions).
            output.appendBytes(maximumCount: HTTPSyntax.usualReplyStatus.utf8CodeUnitCount + HTTPSyntax.jsonContentHeaders.utf8CodeUnitCount
                                + ByteCursor.maximumDecimalLength + Self.requestIDPrefix.count
                                + RequestID.maximumLength + HTTPSyntax.blankLine.utf8CodeUnitCount + body.count + 1) { room in
                var cursor = ByteCursor(room)
                cursor.write(HTTPSyntax.usualReplyStatus)
                cursor.write(HTTPSyntax.jsonContentHeaders)
                cursor.writeDecimal(UInt64(body.count + 1))
                if let id = head.requestID {
                    cursor.write(Self.requestIDPrefix)
                    id.write(to: &cursor)
                }
                cursor.write(HTTPSyntax.blankLine)
                cursor.write(body)
                cursor.write(UInt8(ascii: "\n"))
                return cursor.count
            }
        } else {
            writeInPieces(status: status, head: head, body: body, into: &output, allow: allow, contentHeaders: contentHeaders)
        }
        processor.sent(response, bytes: output.count - start)
        answered += 1
        if !served { served = (200..<300).contains(status) || response?.answersTheRequest == true }
    }

    /// Any other response: another status or version, `Allow`, `Connection`, other
    /// content headers, or a HEAD request's (the headers of GET's and no body).
    mutating func writeInPieces(status: Int, head: HTTPRequestParser.Head, body: [UInt8], into output: inout [UInt8], allow: String?,
                                contentHeaders: [UInt8]?) {
        if status == 200 && head.minorVersion == 1 && contentHeaders == nil {
            output.appendLiteral(HTTPSyntax.usualReplyStatus)
            output.appendLiteral(HTTPSyntax.jsonContentHeaders)
        } else {
            output.append(contentsOf: (head.minorVersion == 0 ? "HTTP/1.0 " : "HTTP/1.1 ").utf8)
            output.appendDecimal(UInt64(status))
            output.append(UInt8(ascii: " "))
            output.append(contentsOf: HTTPStatusMapping.reasonPhrase(status).utf8)
            if let contentHeaders {
                output.append(contentsOf: contentHeaders)
            } else {
                output.appendLiteral(HTTPSyntax.jsonContentHeaders)
            }
        }
        output.appendDecimal(UInt64(body.count + 1))
        if let id = head.requestID {
            output.append(contentsOf: Self.requestIDPrefix)
            id.append(to: &output)
        }
        if let allow { output.append(contentsOf: "\r\nAllow: \(allow)".utf8) }
        if !head.keepAlive {
            output.appendLiteral("\r\nConnection: close")
            closing = true
        } else if head.minorVersion == 0 {
            output.appendLiteral("\r\nConnection: keep-alive")
        }
        output.appendLiteral(HTTPSyntax.blankLine)
        if head.method != .head {
            output.append(contentsOf: body)
            output.append(UInt8(ascii: "\n"))
        }
    }

    /// `GET /ops`: every operation's name and operand counts, written once with the
    /// JSON writer.
    static let operationsDocument: [UInt8] = {
        let writer = JSONWriter()
        var out = Array(#"{"operations":["#.utf8)
        for (index, operation) in MathOperation.allCases.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.appendLiteral(#"{"name":"#)
            writer.appendString(operation.rawValue, to: &out)
            out.appendLiteral(#","arity":"#)
            out.appendDecimal(UInt64(operation.arity.upperBound))
            out.appendLiteral(#","min_arity":"#)
            out.appendDecimal(UInt64(operation.arity.lowerBound))
            out.append(UInt8(ascii: "}"))
        }
        out.appendLiteral("]}")
        return out
    }()

    /// `/add` → `.add`, and so on: one hash of the path instead of comparing it with
    /// every operation's name.
    static let operations = Dictionary(uniqueKeysWithValues: MathOperation.allCases.map { ("/" + $0.rawValue, $0) })
    static let openAPIDocument = Array(OpenAPIDocument.yaml.utf8)
    static let yamlContentHeaders = Array("\r\nContent-Type: application/yaml\r\nContent-Length: ".utf8)
    static let prometheusContentHeaders = Array("\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: ".utf8)
    static let requestIDPrefix = HTTPSyntax.requestIDPrefix
    static let continueResponse = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// The request target's path: origin-form (`/add?x`) without its query, and
    /// absolute-form (`http://host:port/add`, which RFC 9112 §3.2.2 says a server must
    /// accept) without its scheme and authority.
    static func path(of target: String) -> String {
        if target.utf8.first == UInt8(ascii: "/") && !target.utf8.contains(UInt8(ascii: "?")) { return target }
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
}
