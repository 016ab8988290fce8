@testable import ComplexServer
import NIOCore
import NIOEmbedded
import Testing

/// The socket protocol's handlers on NIO's EmbeddedChannel, as swift-nio tests its own:
/// line framing at the edges of reads and limits, and one write per read for a burst
/// of pipelined requests.
@Suite struct SocketPipelineTests {
    func decoderChannel(limit: Int = 16) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLength: limit)))
        return channel
    }

    func text(_ frame: LineFrameDecoder.Frame?) -> String? {
        guard case .lines(let buffer)? = frame else { return nil }
        return String(buffer: buffer)
    }

    @Test func theWholeLinesOfAReadGoUpTogether() throws {
        let channel = try decoderChannel()
        try channel.writeInbound(ByteBuffer(string: "a\nbb\ncc"))
        #expect(text(try channel.readInbound(as: LineFrameDecoder.Frame.self)) == "a\nbb\n")
        #expect(try channel.readInbound(as: LineFrameDecoder.Frame.self) == nil)
        try channel.writeInbound(ByteBuffer(string: "c\n\nd"))
        #expect(text(try channel.readInbound(as: LineFrameDecoder.Frame.self)) == "ccc\n\n")
        // At the end of the stream a last line without its newline still counts.
        _ = try channel.finish()
        #expect(text(try channel.readInbound(as: LineFrameDecoder.Frame.self)) == "d")
    }

    @Test func aLineOverTheLimitEndsTheStreamAfterTheLinesBeforeIt() throws {
        let channel = try decoderChannel(limit: 4)
        try channel.writeInbound(ByteBuffer(string: "ab\nabcdefg\nx\n"))
        #expect(text(try channel.readInbound(as: LineFrameDecoder.Frame.self)) == "ab\n")
        guard case .tooLong? = try channel.readInbound(as: LineFrameDecoder.Frame.self) else {
            Issue.record("expected .tooLong")
            return
        }
        try channel.writeInbound(ByteBuffer(string: "more\n"))
        #expect(try channel.readInbound(as: LineFrameDecoder.Frame.self) == nil)
    }

    @Test func aPartialLineOverTheLimitIsRefusedBeforeItsNewline() throws {
        let channel = try decoderChannel(limit: 4)
        try channel.writeInbound(ByteBuffer(string: "abc"))
        #expect(try channel.readInbound(as: LineFrameDecoder.Frame.self) == nil)
        try channel.writeInbound(ByteBuffer(string: "de"))
        guard case .tooLong? = try channel.readInbound(as: LineFrameDecoder.Frame.self) else {
            Issue.record("expected .tooLong")
            return
        }
    }

    @Test func aBurstOfRequestsIsAnsweredInOrderWithOneWrite() throws {
        let channel = EmbeddedChannel()
        try Server.addSocketProtocolHandlers(to: channel.pipeline.syncOperations, maximumLineLength: 1024)
        var burst = ""
        for i in 0..<50 { burst += #"{"op":"add","a":\#(i),"b":1}"# + "\n" }
        burst += "not json\n"
        try channel.writeInbound(ByteBuffer(string: burst))
        let written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        let lines = String(buffer: written).split(separator: "\n")
        #expect(lines.count == 51)
        #expect(lines.first == #"{"result":1}"#)
        #expect(lines[49] == #"{"result":50}"#)
        #expect(lines.last?.contains(#""code":"bad_json""#) == true)
    }
}

extension LineFrameDecoder.Frame: Equatable {
    public static func == (a: Self, b: Self) -> Bool {
        switch (a, b) {
        case (.lines(let x), .lines(let y)): return x == y
        case (.tooLong, .tooLong): return true
        default: return false
        }
    }
}

/// The HTTP handlers on EmbeddedChannel: pipelined requests answered in order with
/// one write, statuses from the error codes, and the token rule.
@Suite struct HTTPPipelineTests {
    func channel(token: String? = nil) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try Server.addHTTPProtocolHandlers(to: channel.pipeline.syncOperations, maximumBodyLength: 1024, token: token)
        return channel
    }

    static func post(_ path: String, _ body: String, extra: String = "") -> String {
        "POST \(path) HTTP/1.1\r\nHost: x\r\n\(extra)Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    @Test func pipelinedRequestsAreAnsweredInOrderWithOneWrite() throws {
        let channel = try channel()
        let requests = Self.post("/add", #"{"a":1,"b":2}"#) + Self.post("/div", #"{"a":1,"b":0}"#)
            + "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n" + Self.post("/neg", #"{"a":[1,-2]}"#)
        try channel.writeInbound(ByteBuffer(string: requests))
        let written = String(buffer: try #require(try channel.readOutbound(as: ByteBuffer.self)))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        // By bytes: a String takes "\r\n" for one character.
        let lines = written.utf8.split(separator: UInt8(ascii: "\n")).map { line in
            String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self)
        }
        let statuses = lines.filter { $0.hasPrefix("HTTP/1.1 ") }
        #expect(statuses == ["HTTP/1.1 200 OK", "HTTP/1.1 422 Unprocessable Entity", "HTTP/1.1 404 Not Found", "HTTP/1.1 200 OK"])
        let bodies = lines.filter { $0.hasPrefix("{") }
        try #require(bodies.count == 4)
        #expect(bodies.first == #"{"result":3}"#)
        #expect(bodies.last == #"{"result":[-1,2]}"#)
        #expect(bodies[1].contains(#""code":"division_by_zero""#))
        #expect(bodies[2].contains(#""code":"not_found""#))
    }

    @Test func aTokenIsRequiredWhenTheServerHasOne() throws {
        let channel = try channel(token: "s3cret")
        try channel.writeInbound(ByteBuffer(string: Self.post("/add", #"{"a":1,"b":2}"#)
            + Self.post("/add", #"{"a":1,"b":2}"#, extra: "Authorization: Bearer s3cret\r\n")))
        let written = String(buffer: try #require(try channel.readOutbound(as: ByteBuffer.self)))
        #expect(written.hasPrefix("HTTP/1.1 401 Unauthorized"))
        #expect(written.contains(#"{"result":3}"#))
    }
}
