import ComplexServer
import ComplexWire

// The socket protocol as a connection receives it: arbitrary bytes, cut into reads at
// places the input chooses, through the real session (line framing, requests, the shm
// handshake's lines, the end of the stream). Every reply must be one line of valid
// protocol JSON, and nothing is answered after a line over the limit.
func fuzzSocket(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    var session = SocketSession(maximumLineLength: 512)
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let chunk = Int(bytes[0] % 64) + 1
    var offset = 1
    var replies: [UInt8] = []
    var open = true
    while offset < size && open {
        let end = min(offset + chunk, size)
        open = session.receive(UnsafeBufferPointer(rebasing: bytes[offset..<end]), into: &replies) == .open
        offset = end
    }
    if open { session.finish(into: &replies) }
    session.close()
    precondition(replies.isEmpty || replies.last == 0x0A, "a reply without its newline")
    for line in replies.split(separator: 0x0A) {
        let decoded = line.withUnsafeBufferPointer { buffer -> Bool in
            (try? WireResponse.decode(buffer)) != nil
        }
        precondition(decoded, "reply is not protocol JSON: \(String(decoding: line, as: UTF8.self))")
    }
    return 0
}
