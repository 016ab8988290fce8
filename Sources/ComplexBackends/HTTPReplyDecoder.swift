import NIOCore
import NIOEmbedded
import NIOHTTP1

/// How the `http` backend reads replies: NIO's `HTTPResponseDecoder`, fed by hand on
/// an `EmbeddedChannel`, and the collector that gathers each response's parts. One
/// type for the pieces that must change together; the fuzz target `fuzz-replies`
/// drives exactly this on arbitrary bytes.
package final class HTTPReplyDecoder {
    let channel = EmbeddedChannel()
    let decoder = HTTPResponseDecoder(leftOverBytesStrategy: .fireError)
    let collector = HTTPResponseCollector()

    /// The longest reply body read (a server sending more is not the protocol's).
    static let maximumBodyLength = 1 << 20
    /// What the response decoder needs to know of each request: its method.
    static let postHead = HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .POST, uri: "/"))

    package init() throws {
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(decoder))
        try channel.pipeline.syncOperations.addHandler(collector)
    }

    /// Tells the decoder that a POST went out, so it frames the reply correctly. NIO's
    /// client pipeline would pass the request head down through its handler; telling
    /// it directly is the same call without a pipeline write, which callgrind counted
    /// at a fifth of the client's work.
    package func expectReply() {
        decoder.write(data: Self.postHead)
    }

    /// Decodes received bytes; the responses they complete are then read with `next`.
    package func feed(_ bytes: ArraySlice<UInt8>) throws(BlockingSocket.Failure) {
        var chunk = channel.allocator.buffer(capacity: bytes.count)
        chunk.writeBytes(bytes)
        do {
            try channel.writeInbound(chunk)
        } catch {
            throw BlockingSocket.Failure(reason: "the reply is not valid HTTP: \(error)")
        }
        if collector.malformed { throw BlockingSocket.Failure(reason: "a response without a head") }
        if (collector.body?.readableBytes ?? 0) > Self.maximumBodyLength {
            throw BlockingSocket.Failure(reason: "reply over \(Self.maximumBodyLength >> 20) MiB")
        }
    }

    /// The oldest whole response not yet read, in the order of the requests.
    package func next() -> HTTPResponseCollector.Response? {
        collector.takeResponse()
    }

    /// Ends the decoder with its connection.
    package func finish() {
        _ = try? channel.finish()
    }

    // An EmbeddedChannel not finished keeps its pipeline alive (they refer to each other).
    deinit { finish() }
}
