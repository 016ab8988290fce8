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
        try ComplexServer.addSocketProtocolHandlers(to: channel.pipeline.syncOperations, maximumLineLength: 1024)
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
