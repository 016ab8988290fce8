@testable import ComplexBackends
import ComplexWire
import Testing
import TestSupport

/// The `http` backend's reply parser on what servers and proxies send: pipelined
/// responses cut anywhere, chunked bodies, interim responses, and what is not HTTP.
@Suite struct HTTPReplyParserTests {
    static let pipelined = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"result\":3}\n"
        + "HTTP/1.1 100 Continue\r\n\r\n"
        + "HTTP/1.1 422 Unprocessable Content\r\ntransfer-encoding: Chunked\r\n\r\n5;ext=1\r\n{\"err\r\nA\r\nor\":null}\n\r\n0\r\nX-Trailer: 1\r\n\r\n"
        + "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok"
        + "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"

    static let expected: [HTTPReplyParser.Response] = [
        .init(status: 200, body: Array("{\"result\":3}\n".utf8)[...], keepAlive: true),
        .init(status: 422, body: Array("{\"error\":null}\n".utf8)[...], keepAlive: true),
        .init(status: 200, body: Array("ok".utf8)[...], keepAlive: true),
        .init(status: 204, body: [], keepAlive: false),
    ]

    func parse(_ text: String, cutEvery step: Int) throws -> [HTTPReplyParser.Response] {
        var parser = HTTPReplyParser()
        var responses: [HTTPReplyParser.Response] = []
        let bytes = Array(text.utf8)
        for start in stride(from: 0, to: bytes.count, by: step) {
            parser.feed(bytes[start..<min(start + step, bytes.count)])
            while let response = try parser.next() {
                responses.append(HTTPReplyParser.Response(status: response.status, body: Array(response.body)[...], keepAlive: response.keepAlive))
            }
        }
        return responses
    }

    @Test(arguments: [1, 2, 3, 7, 64, 4096])
    func pipelinedResponsesCutAnywhereParseTheSame(step: Int) throws {
        #expect(try parse(Self.pipelined, cutEvery: step) == Self.expected)
    }

    @Test func anHTTP10ResponseClosesUnlessItSaysKeepAlive() throws {
        let responses = try parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", cutEvery: 100)
        #expect(responses.map(\.keepAlive) == [false])
    }

    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\n\r\n{}", "a response without Content-Length"),
        ("HTTP/2 200 OK\r\nContent-Length: 0\r\n\r\n", "a status line that is not HTTP/1.x's"),
        ("HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n", "a status that is not three digits"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "two different Content-Lengths"),
        ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "a Content-Length that is not a number"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n", "a reply body over 1048576 bytes"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "a transfer coding other than chunked"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "a chunk-size line that is not a hexadecimal size and extensions"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2 garbage\r\nab\r\n", "a chunk-size line that is not a hexadecimal size and extensions"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nNoColon\r\n\r\n", "a trailer line that is not a field (name: value)"),
        ("HTTP/1.1 100 Continue\r\n\r\n" + String(repeating: "HTTP/1.1 100 Continue\r\n\r\n", count: 3000), "interim (1xx) responses over 64 KiB before a reply"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n", "a chunk not followed by CRLF"),
        ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n", "the server switched protocols"),
        ("HTTP/1.1 200 OK\r\nBroken header\r\n\r\n", "a header line without a colon"),
    ])
    func whatIsNotAReplyIsRefusedWithItsReason(text: String, reason: String) {
        #expect(throws: HTTPReplyParser.Malformed.self) { _ = try parse(text, cutEvery: 5) }
        do {
            _ = try parse(text, cutEvery: 5)
        } catch {
            #expect("\(error)".hasPrefix(reason), "\(error)")
        }
    }

    @Test func anEndlessHeadIsRefusedAtItsLimit() {
        var parser = HTTPReplyParser()
        parser.feed(Array("HTTP/1.1 200 OK\r\n".utf8)[...])
        let header = Array("X-Padding: \(String(repeating: "a", count: 1000))\r\n".utf8)
        var refused = false
        for _ in 0..<100 where !refused {
            parser.feed(header[...])
            do { _ = try parser.next() } catch { refused = true }
        }
        #expect(refused)
    }

    /// What the line-by-line rule makes of a reply's field lines (split at LF, one CR
    /// dropped, the first colon, the value's spaces trimmed): its Content-Length,
    /// X-Request-Id and Connection, or the error; the parser reads well-formed lines
    /// in one pass and must agree on random heads built from where the rules turn.
    static func reference(_ lines: [UInt8]) -> String {
        var length: Int?, requestID: String?, keepAlive = true
        var rest = lines[...]
        while !rest.isEmpty {
            let newline = rest.firstIndex(of: UInt8(ascii: "\n")) ?? rest.endIndex
            var line = rest[..<newline]
            rest = newline < rest.endIndex ? rest[(newline + 1)...] : []
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return "a header line without a colon" }
            var value = line[(colon + 1)...]
            while let first = value.first, first == 0x20 || first == 0x09 { value = value.dropFirst() }
            while let last = value.last, last == 0x20 || last == 0x09 { value = value.dropLast() }
            switch String(decoding: line[..<colon], as: UTF8.self).lowercased() {
            case "content-length":
                guard !value.isEmpty, value.count <= 15, value.allSatisfy({ $0 &- 0x30 < 10 }), let number = Int(String(decoding: value, as: UTF8.self)) else {
                    return "a Content-Length that is not a number"
                }
                if let length, length != number { return "two different Content-Lengths" }
                length = number
            case "x-request-id":
                guard requestID == nil else { return "two X-Request-Id fields" }
                requestID = String(decoding: value.prefix(64), as: UTF8.self)
            case "connection":
                for token in value.split(separator: UInt8(ascii: ",")) {
                    let token = String(decoding: token, as: UTF8.self).trimmingCharacters(in: [" ", "\t"]).lowercased()
                    if token == "close" { keepAlive = false }
                    if token == "keep-alive" { keepAlive = true }
                }
            default:
                break
            }
        }
        guard let length else { return "a response without Content-Length, which only the end of the connection could frame" }
        return "length \(length), id \(requestID ?? "-"), keep-alive \(keepAlive)"
    }

    static func parsed(_ lines: [UInt8]) -> String {
        var parser = HTTPReplyParser()
        parser.feed((Array("HTTP/1.1 200 OK\r\n".utf8) + lines + Array("\r\n\r\n".utf8))[...])
        do throws(HTTPReplyParser.Malformed) {
            let response = try parser.next()
            let length: Int
            if let response {
                length = response.body.count
            } else if case .body(let expected) = parser.state {
                length = expected
            } else {
                return "incomplete"
            }
            let id: String
            switch parser.requestID {
            case nil: id = "-"
            case .decimal(let number)?: id = String(number)
            case .other(let text)?: id = text
            }
            return "length \(length), id \(id), keep-alive \(parser.keepAlive)"
        } catch {
            return error.description
        }
    }

    @Test func fieldLinesAreReadAsTheLineByLineRuleReadsThem() {
        let pieces: [[UInt8]] = [
            Array("Content-Length".utf8), Array("content-LENGTH".utf8), Array("X-Request-Id".utf8), Array("Connection".utf8),
            Array("Server".utf8), Array(":".utf8), Array(": ".utf8), Array(":\t".utf8), Array("12".utf8), Array("7".utf8),
            Array("close".utf8), Array("keep-alive".utf8), Array(", ".utf8), Array("abc def".utf8), [0x20], [0x09], [0x0D], [0x0A],
            Array("\r\n".utf8), [0x00], [0x01], [0x7F], [0x80], [0xFF], Array("(".utf8), Array("0123456789abcdef".utf8),
        ]
        let wellFormed = [Array("Content-Length: 3".utf8), Array("X-Request-Id: 42".utf8), Array("Connection:\tclose ".utf8),
                          Array("Content-Type: application/json".utf8), Array("content-length:12".utf8)]
        let verdicts = ["a header line", "a Content-Length", "two X-Request-Id", "two different", "a response without", "length 3,"]
        let comparison = RandomFieldLines(pieces: pieces, wellFormed: wellFormed)
            .compare(seed: 9_110, verdicts: verdicts, reference: Self.reference, parsed: Self.parsed)
        #expect(comparison.disagreement == nil, "\(comparison.disagreement ?? "")")
        #expect(comparison.rare.isEmpty, "verdicts met 20 times or fewer: \(comparison.rare)")
    }

    /// A head near the server's usual reply: its pieces with their digits varied, then
    /// a little damage (`NearlyUsualBytes`), with a body after it.
    static func nearlyUsualHead(_ bytes: inout NearlyUsualBytes) -> [UInt8] {
        let lengths = ["20", "0", "007", "", "1048576", "123456789012345", "1234567890123456", "2x", "-1"]
        let ids = ["1", "42", "18446744073709551615", "18446744073709551616", "0", "00", "07", "", "abc", "9 "]
        var head = Array("\(HTTPSyntax.usualReplyStatus)\(HTTPSyntax.jsonContentHeaders)".utf8)
            + bytes.either(String(bytes.random.next() % 3_000), lengths)
        if bytes.random.next() % 4 != 0 {
            head += Array("\r\n\(HTTPSyntax.requestIDField): ".utf8) + bytes.either(String(bytes.random.next() >> (bytes.random.next() % 64)), ids)
        }
        if bytes.random.next() % 8 == 0 { head += Array("\r\nServer: x".utf8) }
        head += Array("\r\n\r\n{\"result\":3}\n".utf8)
        bytes.damage(&head)
        return head
    }

    /// Wherever the comparison reads a head, the general reading reads the same head
    /// from the same bytes: its end, a 200, kept alive, the body's length, the id.
    @Test func theUsualHeadIsReadAsReadHeadReadsIt() throws {
        var nearlyUsual = NearlyUsualBytes(seed: 2_612, oddOneIn: 2)
        var read = 0, declined = 0
        for _ in 0..<20_000 {
            let bytes = Self.nearlyUsualHead(&nearlyUsual)
            guard let usual = bytes.withUnsafeBufferPointer({ HTTPReplyParser.usualHead($0) }) else {
                declined += 1
                continue
            }
            let end = try #require(HTTPSyntax.headEnd(in: bytes, from: 0), "\(bytes)")
            #expect(end == usual.headLength, "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
            var parser = HTTPReplyParser()
            guard usual.length <= parser.maximumBodyLength else {
                // `next` declines it too, for `readHead` to refuse.
                declined += 1
                #expect(throws: HTTPReplyParser.Malformed.self) {
                    try bytes.withUnsafeBufferPointer { _ = try parser.readHead(UnsafeBufferPointer(rebasing: $0[..<end])) }
                }
                continue
            }
            read += 1
            let length = try bytes.withUnsafeBufferPointer { try parser.readHead(UnsafeBufferPointer(rebasing: $0[..<end])) }
            guard case .fixed(usual.length) = length, parser.status == 200, parser.keepAlive,
                  parser.requestID == usual.requestID.map(HTTPReplyParser.RequestID.decimal) else {
                Issue.record("read differently: \(String(decoding: bytes, as: UTF8.self).debugDescription)")
                continue
            }
        }
        // Both ways are taken often, so the comparison has something to compare.
        #expect(read > 3_000 && declined > 3_000, "read \(read), declined \(declined)")
    }
}
