import ComplexServer
import NIOCore
import NIOEmbedded

// The HTTP listener as a connection receives it: arbitrary bytes, cut into reads at
// places the input chooses, through the real pipeline (NIO's request decoder, the
// request handler, its declined upgrades and its resumed decoding), with and without
// a token. Every write the server makes must be a whole HTTP/1.1 response.
func fuzzHTTP(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let channel = EmbeddedChannel()
    try! Server.addHTTPProtocolHandlers(to: channel.pipeline.syncOperations, maximumBodyLength: 512,
                                               token: data[0] & 0x80 != 0 ? "s3cret" : nil)
    _ = try? channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let chunk = Int(bytes[0] & 0x3F) + 1
    var offset = 1
    while offset < size && channel.isActive {
        let end = min(offset + chunk, size)
        var buffer = channel.allocator.buffer(capacity: end - offset)
        buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[offset..<end]))
        do { try channel.writeInbound(buffer) } catch { break }
        offset = end
    }
    channel.embeddedEventLoop.run()
    while let out = try? channel.readOutbound(as: ByteBuffer.self) {
        let text = String(decoding: out.readableBytesView, as: UTF8.self)
        precondition(text.hasPrefix("HTTP/1.1 ") || text.hasPrefix("HTTP/1.0 "), "not an HTTP response: \(text.prefix(80))")
        precondition(text.contains("\r\n\r\n"), "a response without the end of its head: \(text.prefix(80))")
    }
    _ = try? channel.finish(acceptAlreadyClosed: true)
    return 0
}
