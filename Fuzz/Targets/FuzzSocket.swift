import ComplexServer
import ComplexWire
import NIOCore
import NIOEmbedded

// The socket protocol as a connection receives it: arbitrary bytes, cut into reads at
// places the input chooses, through the real line decoder and request handler. Every
// reply must be one line of valid protocol JSON.
func fuzzSocket(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let channel = EmbeddedChannel()
    try! Server.addSocketProtocolHandlers(to: channel.pipeline.syncOperations, maximumLineLength: 512)
    _ = try? channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let chunk = Int(bytes[0] % 64) + 1
    var offset = 1
    while offset < size {
        let end = min(offset + chunk, size)
        var buffer = channel.allocator.buffer(capacity: end - offset)
        buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[offset..<end]))
        do { try channel.writeInbound(buffer) } catch { break }
        offset = end
    }
    channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
    channel.embeddedEventLoop.run()
    var replies: [UInt8] = []
    while let out = try? channel.readOutbound(as: ByteBuffer.self) {
        replies.append(contentsOf: out.readableBytesView)
    }
    for line in replies.split(separator: 0x0A) {
        let decoded = line.withUnsafeBufferPointer { buffer -> Bool in
            (try? WireResponse.decode(buffer)) != nil
        }
        precondition(decoded, "reply is not protocol JSON: \(String(decoding: line, as: UTF8.self))")
    }
    // Run the delayed hang-up of an over-long line, then tear the channel down (a
    // channel closed by the handler must still be finished, or it leaks).
    channel.embeddedEventLoop.advanceTime(by: .seconds(5))
    _ = try? channel.finish(acceptAlreadyClosed: true)
    return 0
}
