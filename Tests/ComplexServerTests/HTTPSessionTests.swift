@testable import ComplexServer
import ComplexWire
import Testing
import TestSupport

/// HTTP/1.1 without its I/O (`HTTPSession`, `HTTPRequestParser`): pipelined requests
/// answered in order in one output, requests cut anywhere, chunked bodies, statuses
/// from the error codes, the token rule, and what is not HTTP.
@Suite struct HTTPSessionTests {
    static func post(_ path: String, _ body: String, extra: String = "") -> String {
        "POST \(path) HTTP/1.1\r\nHost: x\r\n\(extra)Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    struct Response: Equatable {
        var status: String
        var headers: [String] = []
        var body: String
    }

    /// Feeds `reads` one by one; the responses, split (by Content-Length, or none for a
    /// HEAD), and what the last read left the connection to do.
    func feed(_ reads: [String], token: String? = nil, maximumBodyLength: Int = 1024) -> ([Response], SessionOutcome) {
        var session = HTTPSession(maximumBodyLength: maximumBodyLength, token: token)
        var output: [UInt8] = []
        var outcome = SessionOutcome.open
        for read in reads {
            outcome = Array(read.utf8).withUnsafeBufferPointer { session.receive($0, into: &output) }
        }
        session.close()
        var responses: [Response] = []
        var rest = output[...]
        while let end = rest.firstRange(of: Array("\r\n\r\n".utf8)) {
            let lines = String(decoding: rest[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
            let length = lines.first { $0.lowercased().hasPrefix("content-length: ") }.flatMap { Int($0.dropFirst(16)) } ?? 0
            let bodyLength = rest[end.upperBound...].starts(with: "HTTP/1.".utf8) ? 0 : min(length, rest.count - end.upperBound + rest.startIndex)
            let body = rest[end.upperBound..<end.upperBound + bodyLength]
            responses.append(Response(status: lines[0], headers: Array(lines.dropFirst()), body: String(decoding: body, as: UTF8.self)))
            rest = rest[(end.upperBound + bodyLength)...]
        }
        #expect(rest.isEmpty, "bytes after the last response: \(String(decoding: rest, as: UTF8.self))")
        return (responses, outcome)
    }

    /// `X-Request-Id` comes back on the response to its request, whatever the status;
    /// one that is not 1 to 64 visible characters, or two, is a malformed request.
    @Test func theRequestIDIsEchoed() {
        let (responses, _) = feed([
            Self.post("/add", #"{"a":1,"b":2}"#, extra: "X-Request-Id: 41\r\n"),
            Self.post("/div", #"{"a":1,"b":0}"#, extra: "x-request-id: abc\r\n"),
            Self.post("/nope", "{}", extra: "X-REQUEST-ID: 43\r\n"),
            Self.post("/add", #"{"a":1,"b":2}"#),
        ])
        #expect(responses.map(\.status) == ["HTTP/1.1 200 OK", "HTTP/1.1 422 Unprocessable Entity", "HTTP/1.1 404 Not Found", "HTTP/1.1 200 OK"])
        #expect(responses.map { $0.headers.filter { $0.hasPrefix("X-Request-Id") } } == [["X-Request-Id: 41"], ["X-Request-Id: abc"], ["X-Request-Id: 43"], []])
        for bad in ["X-Request-Id: " + String(repeating: "7", count: 65) + "\r\n", "X-Request-Id: 1\r\nX-Request-Id: 2\r\n", "X-Request-Id:\r\n"] {
            let (responses, outcome) = feed([Self.post("/add", #"{"a":1,"b":2}"#, extra: bad)])
            #expect(responses.map(\.status) == ["HTTP/1.1 400 Bad Request"] && outcome == .hangUp, "\(bad)")
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrderInOneOutput() {
        let requests = Self.post("/add", #"{"a":1,"b":2}"#) + Self.post("/div", #"{"a":1,"b":0}"#)
            + "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n" + Self.post("/neg", #"{"a":[1,-2]}"#)
        let (responses, outcome) = feed([requests])
        #expect(outcome == .open)
        #expect(responses.map(\.status) == ["HTTP/1.1 200 OK", "HTTP/1.1 422 Unprocessable Entity", "HTTP/1.1 404 Not Found", "HTTP/1.1 200 OK"])
        #expect(responses.first?.body == "{\"result\":3}\n")
        #expect(responses.last?.body == "{\"result\":[-1,2]}\n")
        #expect(responses[1].body.contains(#""code":"division_by_zero""#))
        #expect(responses[2].body.contains(#""code":"not_found""#))
    }

    @Test func aRequestCutAnywhereIsAnsweredOnce() {
        let bytes = Array((Self.post("/add", #"{"a":1,"b":2}"#) + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n").utf8)
        for cut in 0...bytes.count {
            let (responses, _) = feed([String(decoding: bytes[..<cut], as: UTF8.self), String(decoding: bytes[cut...], as: UTF8.self)])
            #expect(responses.map(\.body) == ["{\"result\":3}\n", "{\"status\":\"ok\"}\n"], "cut at \(cut)")
        }
    }

    @Test func chunkedBodiesAreGathered() {
        let chunked = "POST /add HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\n{\"a\":\r\n8\r\n1,\"b\":2}\r\n0\r\nX-Trailer: 1\r\n\r\n"
        let (responses, outcome) = feed([chunked, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"])
        #expect(outcome == .open)
        #expect(responses.map(\.body) == ["{\"result\":3}\n", "{\"status\":\"ok\"}\n"])
    }

    @Test func keepAliveFollowsTheVersionAndTheConnectionHeader() {
        let close = feed([Self.post("/neg", #"{"a":1}"#, extra: "Connection: close\r\n") + Self.post("/neg", #"{"a":2}"#)])
        #expect(close.0.count == 1 && close.0[0].headers.contains("Connection: close") && close.1 == .hangUp)
        let old = feed(["GET /health HTTP/1.0\r\n\r\n"])
        #expect(old.0.map(\.status) == ["HTTP/1.0 200 OK"] && old.1 == .hangUp)
        let kept = feed(["GET /health HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\nGET /health HTTP/1.0\r\n\r\n"])
        #expect(kept.0.count == 2 && kept.0[0].headers.contains("Connection: keep-alive") && kept.1 == .hangUp)
    }

    @Test func aBodyOverTheLimitIsRefusedWithoutReadingIt() {
        let (responses, outcome) = feed([Self.post("/add", String(repeating: " ", count: 2000)) + Self.post("/neg", #"{"a":1}"#)])
        #expect(responses.count == 1 && responses[0].status == "HTTP/1.1 413 Payload Too Large" && outcome == .hangUp)
        let chunked = "POST /add HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n" + String(repeating: " ", count: 1024) + "\r\n1\r\n "
        #expect(feed([chunked]).0.map(\.status) == ["HTTP/1.1 413 Payload Too Large"])
    }

    @Test(arguments: [
        "GET /health HTTP/2.0\r\n\r\n",
        "GET  /health HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /health\r\n\r\n",
        "G(T /health HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /add HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        "POST /add HTTP/1.1\r\nHost: x\r\nContent-Length: -3\r\n\r\n",
        "POST /add HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST /add HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
        "GET /health HTTP/1.1\r\nHost: x\r\nHost : x\r\n\r\n",
        "GET /health HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\n\r\n",
        "GET /health HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n",
        // A control character in a field value (RFC 9110 §5.5), early and late in it.
        "GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\u{1}b\r\n\r\n",
        "GET /health HTTP/1.1\r\nHost: x\r\nX-A: 0123456789abcdef\u{7F}gh\r\n\r\n",
        "GET /health HTTP/1.1\r\nHost: x\r\nX-A: 01234567\u{0}\r\n\r\n",
        "POST /add HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "POST /add HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n",
        // RFC 9112: Host, once and well formed, on every HTTP/1.1 request (§3.2).
        "GET /health HTTP/1.1\r\n\r\n",
        "GET /health HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
        "GET /health HTTP/1.1\r\nHost: a b@c\r\n\r\n",
        // Two sets of credentials: which one counts would be the parser's guess.
        "GET /health HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\r\nAuthorization: Bearer b\r\n\r\n",
        // Chunk-size lines and trailers (§7.1).
        "POST /add HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n16 garbage\r\n",
        "POST /add HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2;ext\u{0}=1\r\nab\r\n0\r\n\r\n",
        "POST /add HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nNoColon\r\n\r\n",
    ])
    func whatIsNotHTTPIsAnswered400AndClosed(_ request: String) {
        let (responses, outcome) = feed([request + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"])
        #expect(responses.count == 1, "\(request.debugDescription)")
        #expect(responses.first?.status == "HTTP/1.1 400 Bad Request", "\(request.debugDescription)")
        #expect(responses.first?.body.contains("malformed HTTP request: ") == true)
        #expect(responses.first?.headers.contains("Connection: close") == true)
        #expect(outcome == .hangUp)
    }

    @Test func aHeadOverItsLimitIsMalformed() {
        let (responses, outcome) = feed(["GET /health HTTP/1.1\r\nHost: x\r\nX: " + String(repeating: "a", count: 70_000)])
        #expect(responses.first?.status == "HTTP/1.1 400 Bad Request" && outcome == .hangUp)
    }

    /// The head limit holds however the head arrives: a 66,000-byte target fed in 4 KiB
    /// reads, as the connection feeds its session, is refused too.
    @Test func aHeadOverItsLimitIsMalformedHoweverItArrives() {
        let request = Array(("GET /" + String(repeating: "a", count: 66_000) + " HTTP/1.1\r\nHost: x\r\n\r\n").utf8)
        let reads = stride(from: 0, to: request.count, by: 4096).map { String(decoding: request[$0..<min($0 + 4096, request.count)], as: UTF8.self) }
        let (responses, outcome) = feed(reads)
        #expect(responses.first?.status == "HTTP/1.1 400 Bad Request" && outcome == .hangUp)
        #expect(responses.first?.body.contains("a request head over 64 KiB") == true)
    }

    /// What cannot begin an HTTP/1.x request is answered at once, not at the header
    /// deadline: HTTP/0.9's one-line request, and a TLS ClientHello.
    @Test(arguments: ["GET /\r\n", "\u{16}\u{3}\u{1}\u{2}\u{0}\u{1}\u{0}\u{1}\u{fc}\u{3}\u{3}"])
    func whatCannotBeginARequestIsAnsweredAtOnce(_ bytes: String) {
        let (responses, outcome) = feed([bytes])
        #expect(responses.first?.status == "HTTP/1.1 400 Bad Request" && outcome == .hangUp, "\(bytes.debugDescription)")
    }

    /// RFC 9112 §6.1: an HTTP/1.0 request with Transfer-Encoding is answered, then the
    /// connection is closed, keep-alive or not.
    @Test func http10WithChunkedIsAnsweredThenClosed() {
        let (responses, outcome) = feed(["POST /neg HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n7\r\n{\"a\":1}\r\n0\r\n\r\n"])
        #expect(responses.map(\.body) == [#"{"result":-1}"# + "\n"])
        #expect(outcome == .hangUp)
    }

    @Test func expectContinueIsAnsweredBeforeTheBodyOnce() {
        var session = HTTPSession(maximumBodyLength: 1024, token: nil)
        var output: [UInt8] = []
        let head = "POST /add HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 13\r\n\r\n"
        _ = Array(head.utf8).withUnsafeBufferPointer { session.receive($0, into: &output) }
        #expect(String(decoding: output, as: UTF8.self) == "HTTP/1.1 100 Continue\r\n\r\n")
        output.removeAll()
        _ = Array(#"{"a":1,"#.utf8).withUnsafeBufferPointer { session.receive($0, into: &output) }
        #expect(output.isEmpty)
        _ = Array(#""b":2}"#.utf8).withUnsafeBufferPointer { session.receive($0, into: &output) }
        #expect(String(decoding: output, as: UTF8.self).hasPrefix("HTTP/1.1 200 OK"))
        // A body that comes with its head needs no 100.
        #expect(feed([head + #"{"a":1,"b":2}"#]).0.map(\.status) == ["HTTP/1.1 200 OK"])
    }

    /// What the deadlines see: a request in progress from its first byte, its head once
    /// the head is in, and none between requests, stray empty lines included.
    @Test func aRequestIsInProgressFromItsFirstByteToItsLast() {
        var session = HTTPSession(maximumBodyLength: 1024, token: nil)
        var output: [UInt8] = []
        func receive(_ text: String) { _ = Array(text.utf8).withUnsafeBufferPointer { session.receive($0, into: &output) } }
        #expect(!session.requestInProgress)
        receive("POST /neg HTTP/1.1\r\nHost: x\r\nContent-")
        #expect(session.requestInProgress && !session.headReceived)
        receive("Length: 7\r\n\r\n{\"a\"")
        #expect(session.requestInProgress && session.headReceived)
        receive(":1}\r\n")
        #expect(!session.requestInProgress && !session.headReceived)
        #expect(session.takeAnswered() == 1)
    }

    @Test func aTokenIsRequiredWhenTheServerHasOne() {
        let (responses, _) = feed([Self.post("/add", #"{"a":1,"b":2}"#)
            + Self.post("/add", #"{"a":1,"b":2}"#, extra: "Authorization: Bearer s3cret\r\n")], token: "s3cret")
        #expect(responses.map(\.status) == ["HTTP/1.1 401 Unauthorized", "HTTP/1.1 200 OK"])
        #expect(responses.last?.body == "{\"result\":3}\n")
    }

    @Test func routesAndMethods() {
        let (responses, _) = feed(["HEAD /health HTTP/1.1\r\nHost: x\r\n\r\nGET /add HTTP/1.1\r\nHost: x\r\n\r\nPOST /health HTTP/1.1\r\nHost: x\r\n\r\n"
            + "CONNECT example.com:443 HTTP/1.1\r\nHost: x\r\n\r\nPOST http://example.com/neg?x=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\n{\"a\":1}"
            + "\r\n\r\nGET /ops HTTP/1.1\r\nHost: x\r\n\r\n"])
        #expect(responses.map(\.status) == ["HTTP/1.1 200 OK", "HTTP/1.1 405 Method Not Allowed", "HTTP/1.1 405 Method Not Allowed",
                                            "HTTP/1.1 405 Method Not Allowed", "HTTP/1.1 200 OK", "HTTP/1.1 200 OK"])
        #expect(responses[0].body.isEmpty && responses[0].headers.contains("Content-Length: 16"))
        #expect(responses[1].headers.contains("Allow: POST") && responses[2].headers.contains("Allow: GET, HEAD"))
        #expect(responses[3].headers.contains("Allow: GET, HEAD, POST"))
        #expect(responses[4].body == "{\"result\":-1}\n")
        #expect(responses[5].body.contains(#"{"name":"add","arity":2,"min_arity":2}"#))
    }

    @Test func aTabInAFieldValueIsAllowed() {
        let (responses, _) = feed(["GET /health HTTP/1.1\r\nHost: x\r\nX-A: 0123456789\tabcdef\t\r\n\r\n"])
        #expect(responses.map(\.status) == ["HTTP/1.1 200 OK"])
    }

    /// The eight-bytes-at-a-time check against the rule a byte at a time, on random
    /// values of every length up to 40 made of the bytes around its edges.
    @Test func controlCharactersAreFoundWhereverTheyAre() {
        let bytes: [UInt8] = [0x00, 0x01, 0x09, 0x0A, 0x1F, 0x20, 0x41, 0x7E, 0x7F, 0x80, 0x9F, 0xA0, 0xFF]
        var state: UInt64 = 9
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        var found = 0
        for _ in 0..<50_000 {
            // Mostly harmless bytes, now and then one from the edges.
            let value = (0..<(next() % 41)).map { _ in next() % 12 == 0 ? bytes[next() % bytes.count] : UInt8(0x21 + next() % 0x5E) }
            let expected = value.contains { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }
            if expected { found += 1 }
            #expect(value.withUnsafeBufferPointer(HTTPSyntax.hasControlCharacter) == expected, "\(value)")
        }
        #expect(found > 5_000 && found < 45_000)
    }

    /// `POST /<op>` is routed by the target's bytes; every other target by its name: the
    /// two must agree.
    @Test func theRouteByBytesAgreesWithTheRouteByName() {
        let targets = ["/add", "/add?x=1", "/ADD", "/adds", "/ad", "//add", "/add/", "/complex", "/complexx", "/log10", "http://h/add", "/"]
        let (responses, _) = feed(targets.map { Self.post($0, #"{"a":1,"b":2}"#) })
        #expect(responses.map(\.status) == ["HTTP/1.1 200 OK", "HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 404 Not Found",
                                            "HTTP/1.1 404 Not Found", "HTTP/1.1 404 Not Found", "HTTP/1.1 404 Not Found",
                                            "HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 400 Bad Request", "HTTP/1.1 200 OK",
                                            "HTTP/1.1 404 Not Found"])
    }

    /// The bitmap of token characters against RFC 9110's list, every byte.
    @Test func tokenBytesAreRFC9110s() {
        let others = Array("!#$%&'*+-.^_`|~".utf8)
        for byte in UInt8.min...UInt8.max {
            let expected = (byte | 0x20) &- UInt8(ascii: "a") < 26 || byte &- UInt8(ascii: "0") < 10 || others.contains(byte)
            #expect(HTTPSyntax.isTokenByte(byte) == expected, "byte \(byte)")
        }
    }

    /// A name's end found eight bytes at a time against the rule a byte at a time, on
    /// random runs of letters and `-` with now and then any byte at all.
    @Test func tokenEndsAreFoundWhereverTheyAre() {
        var generator = SplitMix(seed: 3_986)
        let common = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-".utf8)
        for _ in 0..<50_000 {
            let bytes = (0..<Int(generator.next() % 40)).map { _ in
                generator.next() % 16 == 0 ? UInt8(truncatingIfNeeded: generator.next()) : common[Int(generator.next() % UInt64(common.count))]
            }
            let start = bytes.isEmpty ? 0 : Int(generator.next() % UInt64(bytes.count))
            let expected = bytes[start...].firstIndex { !HTTPSyntax.isTokenByte($0) } ?? bytes.count
            #expect(bytes.withUnsafeBufferPointer { HTTPSyntax.tokenEnd(in: $0, from: start) } == expected, "\(bytes) from \(start)")
        }
    }

    /// The usual response, written in one piece, is byte for byte what the general
    /// writer lays out piece by piece: with no id, a number, the longest text id, and
    /// bodies of every size that matters.
    @Test func theOnePieceResponseIsThePieceByPieceOne() {
        let ids: [RequestID?] = [nil, .decimal(0), .decimal(.max), .text(Array(String(repeating: "z", count: WireRequest.maximumIDLength).utf8))]
        for id in ids {
            for bodyLength in [0, 1, 30, 5_000] {
                var head = HTTPRequestParser.Head()
                head.method = .post
                head.requestID = id
                let body = [UInt8](repeating: UInt8(ascii: "7"), count: bodyLength)
                var session = HTTPSession(maximumBodyLength: 1024, token: nil)
                var fast: [UInt8] = Array("before".utf8), pieces: [UInt8] = Array("before".utf8)
                session.write(status: 200, head: head, body: body, into: &fast)
                session.writeInPieces(status: 200, head: head, body: body, into: &pieces, allow: nil, contentHeaders: nil)
                #expect(fast == pieces, "\(String(describing: id)), \(bodyLength)")
            }
        }
    }

    /// Case-blind comparison eight bytes at a time against the rule a byte at a time:
    /// every byte value in every position of names of every length the parsers use,
    /// and each name's case flipped a letter at a time.
    @Test func caseBlindComparisonIsExact() {
        let names: [StaticString] = ["host", "expect", "chunked", "content-length", "transfer-encoding", "connection",
                                     "authorization", "X-Request-Id", "close", "keep-alive", "100-continue", "a"]
        func lower(_ byte: UInt8) -> UInt8 { byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte }
        for name in names {
            let expected = Array(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            for position in expected.indices {
                for byte in UInt8.min...UInt8.max {
                    var given = expected
                    given[position] = byte
                    let same = lower(byte) == lower(expected[position])
                    #expect(given.withUnsafeBufferPointer { HTTPSyntax.equalsIgnoringCase($0, name) } == same, "\(given) against \(name)")
                }
                var flipped = expected
                if (flipped[position] | 0x20) &- UInt8(ascii: "a") < 26 { flipped[position] ^= 0x20 }
                #expect(flipped.withUnsafeBufferPointer { HTTPSyntax.equalsIgnoringCase($0, name) })
            }
            #expect(!(expected + [0x20]).withUnsafeBufferPointer { HTTPSyntax.equalsIgnoringCase($0, name) })
            #expect(!Array(expected.dropLast()).withUnsafeBufferPointer { HTTPSyntax.equalsIgnoringCase($0, name) })
        }
    }
}
