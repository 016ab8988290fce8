@testable import ComplexServer
import ComplexWire
import Testing
import TestSupport

/// The request parser's one-pass field lines against the rule they implement, written
/// the plain way (a line at a time: split at LF, drop one CR, find the colon, check the
/// name is a token and the value has no control character), on random heads built
/// from the bytes where the rules turn: the same verdict, the same message, the same
/// fields read.
@Suite struct HTTPRequestParserTests {
    /// What the plain rule makes of the field lines (after the request line, up to the
    /// first empty line): an
    /// error's description, or the Content-Length and X-Request-Id read.
    static func reference(_ lines: [UInt8]) -> String {
        var hosts = 0, length: Int?, requestID: [UInt8]?
        var rest = lines[...]
        while !rest.isEmpty {
            let newline = rest.firstIndex(of: UInt8(ascii: "\n")) ?? rest.endIndex
            var line = rest[..<newline]
            rest = newline < rest.endIndex ? rest[(newline + 1)...] : []
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            // The first empty line ends the head; what follows is the body.
            if line.isEmpty { break }
            if line.first == 0x20 || line.first == 0x09 { return "a folded header line (obsolete line folding)" }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return "a header line without a colon" }
            let name = line[..<colon]
            guard !name.isEmpty, name.allSatisfy(isTokenCharacter) else { return "a header name that is not a token" }
            var value = line[(colon + 1)...]
            while let first = value.first, first == 0x20 || first == 0x09 { value = value.dropFirst() }
            while let last = value.last, last == 0x20 || last == 0x09 { value = value.dropLast() }
            if value.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) { return "a control character in a header value" }
            switch String(decoding: name, as: UTF8.self).lowercased() {
            case "host":
                hosts += 1
                if hosts > 1 { return "two Host fields" }
                guard value.allSatisfy(HTTPRequestParser.isHostByte) else { return "a Host that is not host[:port]" }
            case "content-length":
                guard !value.isEmpty, value.count <= 15, value.allSatisfy({ $0 &- 0x30 < 10 }),
                      let number = Int(String(decoding: value, as: UTF8.self)), length == nil || length == number else {
                    return "a Content-Length that is not one number"
                }
                length = number
            case "x-request-id":
                guard requestID == nil else { return "two X-Request-Id fields" }
                guard !value.isEmpty, value.count <= WireRequest.maximumIDLength, value.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                    return "an X-Request-Id that is not 1 to \(WireRequest.maximumIDLength) visible ASCII characters"
                }
                requestID = Array(value)
            default:
                break
            }
        }
        return "length \(length ?? 0), id \(requestID.map { String(decoding: $0, as: UTF8.self) } ?? "-")"
    }

    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        (byte | 0x20) &- UInt8(ascii: "a") < 26 || byte &- UInt8(ascii: "0") < 10 || Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
    }

    /// What the parser makes of a request with these field lines, in the reference's terms.
    static func parsed(_ lines: [UInt8]) -> String {
        var parser = HTTPRequestParser(maximumBodyLength: 1 << 20)
        let head = Array("GET /health HTTP/1.0\r\n".utf8) + lines + Array("\r\n\r\n".utf8)
        head.withUnsafeBufferPointer { parser.feed($0) }
        do throws(HTTPRequestParser.Malformed) {
            let event = try parser.next()
            let head: HTTPRequestParser.Head, length: Int
            switch event {
            case .request(let read, let body)?:
                (head, length) = (read, body.count)
            case nil:
                // A Content-Length over 0: the head is read, the body awaited.
                guard let read = parser.headAwaitingBody, case .body(let expected) = parser.state else { return "incomplete" }
                (head, length) = (read, expected)
            case .bodyTooLarge?:
                return "too large"
            }
            let id: String
            switch head.requestID {
            case nil: id = "-"
            case .decimal(let number)?: id = String(number)
            case .text(let bytes)?: id = String(decoding: bytes, as: UTF8.self)
            }
            return "length \(length), id \(id)"
        } catch {
            return error.description
        }
    }

    @Test func fieldLinesAreReadAsTheLineByLineRuleReadsThem() {
        let pieces: [[UInt8]] = [
            Array("Host".utf8), Array("hOST".utf8), Array("Content-Length".utf8), Array("content-LENGTH".utf8),
            Array("X-Request-Id".utf8), Array("x-request-ID".utf8), Array("Accept".utf8), Array("X-A".utf8),
            Array(":".utf8), Array(": ".utf8), Array(":\t".utf8), Array("12".utf8), Array("7".utf8), Array("abc def".utf8),
            Array("h.example:80".utf8), [0x20], [0x09], [0x0D], [0x0A], Array("\r\n".utf8), [0x00], [0x01], [0x1F], [0x7F],
            [0x80], [0xFF], Array("(".utf8), Array("@".utf8), Array("~".utf8), Array("0123456789abcdef".utf8),
        ]
        let wellFormed = [Array("Host: h:1".utf8), Array("Content-Length: 3".utf8), Array("X-Request-Id: 42".utf8), Array("X-B:\tx\ty ".utf8)]
        let verdicts = ["a folded header", "a header line", "a header name", "a control character", "two Host fields", "a Content-Length",
                        "a Host that", "length 0,", "length 3,"]
        let comparison = RandomFieldLines(pieces: pieces, wellFormed: wellFormed)
            .compare(seed: 9_112, verdicts: verdicts, reference: Self.reference, parsed: Self.parsed)
        #expect(comparison.disagreement == nil, "\(comparison.disagreement ?? "")")
        #expect(comparison.rare.isEmpty, "verdicts met 20 times or fewer: \(comparison.rare)")
    }

    /// A head near the client's usual request: its pieces, each usual three times in
    /// four and otherwise one of the odd ones, then a little damage
    /// (`NearlyUsualBytes`), with a body after it.
    static func nearlyUsualRequest(_ bytes: inout NearlyUsualBytes) -> [UInt8] {
        var head = Array("POST /".utf8) + bytes.either(["add", "mul", "log10", "sqrt"].randomElement(using: &bytes.random)!,
                                                         ["nope", "ADD", "add?x", "", "a d", "add/", "add%20"])
        head += Array("\(HTTPSyntax.usualRequestHost)".utf8)
        head += bytes.either("127.0.0.1:\(bytes.random.next() % 65_536)", ["localhost", "", "[::1]:80", "a b", "h@x", "h/x", "x\u{7F}", " x", "x "])
        if bytes.random.next() % 8 == 0 { head += Array("\r\nHost: again".utf8) }
        if bytes.random.next() % 8 == 0 { head += Array("\r\nAuthorization: Bearer t".utf8) }
        head += Array("\(HTTPSyntax.jsonContentHeaders)".utf8)
        head += bytes.either(String(bytes.random.next() % 3_000), ["007", "", "1234567890123456", "-1", "2000000", "3 "])
        head += Array("\r\n\(HTTPSyntax.requestIDField): ".utf8)
        head += bytes.either(String(bytes.random.next() >> (bytes.random.next() % 64)),
                             ["abc-1", "", " 7", "7 ", String(repeating: "9", count: 64), String(repeating: "9", count: 65), "\u{E9}", "007"])
        head += Array("\r\n\r\n{\"a\":1}".utf8)
        bytes.damage(&head)
        return head
    }

    /// Wherever the comparison reads a head, the general reading reads the same head
    /// from the same bytes: its end, every field of the head, the body's length.
    @Test func theUsualHeadIsReadAsReadHeadReadsIt() throws {
        var nearlyUsual = NearlyUsualBytes(seed: 2_613, oddOneIn: 4)
        var read = 0, declined = 0
        for _ in 0..<20_000 {
            let bytes = Self.nearlyUsualRequest(&nearlyUsual)
            var usualParser = HTTPRequestParser(maximumBodyLength: 1 << 20)
            guard let usual = bytes.withUnsafeBufferPointer({ usualParser.readUsualHead($0) }) else {
                declined += 1
                continue
            }
            read += 1
            let text = String(decoding: bytes, as: UTF8.self).debugDescription
            let end = try #require(HTTPSyntax.headEnd(in: bytes, from: 0), "\(text)")
            #expect(end == usual.headLength, "\(text)")
            var parser = HTTPRequestParser(maximumBodyLength: 1 << 20)
            let framing = try bytes.withUnsafeBufferPointer { try parser.readHead(UnsafeBufferPointer(rebasing: $0[..<end])) }
            guard case .fixed(usual.length) = framing, parser.current == usualParser.current else {
                Issue.record("read differently: \(text)\n\(parser.current)\n\(usualParser.current)")
                continue
            }
        }
        // Both ways are taken often, so the comparison has something to compare.
        #expect(read > 2_500 && declined > 2_500, "read \(read), declined \(declined)")
    }

    /// The bitmap holds exactly the bytes of `host[:port]`, and no byte from 128 on.
    @Test func hostBytesAreTheBitmaps() {
        let listed = Set(Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:[]%".utf8))
        for byte in UInt8.min...UInt8.max {
            #expect(HTTPRequestParser.isHostByte(byte) == listed.contains(byte), "byte \(byte)")
        }
    }
}
