@testable import ComplexServer
import NIOCore
import NIOEmbedded
import Testing

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
