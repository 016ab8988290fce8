import ComplexBackends
import ComplexWire

// What a server sends back, as the clients read it: the `ipc` backend's reply line
// (WireResponse) and the `http` backend's reply decoder (NIO's response decoder, the
// collector, then the JSON body), on arbitrary bytes cut into reads where the input
// says. A hostile or broken server must get an error, never a crash; a reply that
// decodes must encode and decode to the same thing.
func fuzzReplies(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var writer = JSONWriter()
    func decodeBody(_ body: UnsafeBufferPointer<UInt8>) {
        guard let response = try? WireResponse.decode(body) else { return }
        var out: [UInt8] = []
        response.encode(to: &out, writer: &writer)
        let again = out.withUnsafeBufferPointer { try? WireResponse.decode($0) }
        precondition(again != nil, "a decoded reply did not decode again: \(String(decoding: out, as: UTF8.self))")
    }
    // ipc: newline-delimited replies.
    for line in bytes.dropFirst().split(separator: 0x0A) {
        line.withUnsafeBufferPointer(decodeBody)
    }
    // http: replies to POSTs, read in chunks.
    guard let replies = try? HTTPReplyDecoder() else { return 0 }
    replies.expectReply()
    let chunk = Int(bytes[0] & 0x3F) + 1
    var offset = 1
    while offset < size {
        let end = min(offset + chunk, size)
        do {
            if let response = try replies.feed(bytes[offset..<end]) {
                response.body.withUnsafeReadableBytes { decodeBody($0.bindMemory(to: UInt8.self)) }
                replies.expectReply()
            }
        } catch {
            break  // not HTTP: the backend gives up on the connection here too
        }
        offset = end
    }
    replies.finish()
    return 0
}
