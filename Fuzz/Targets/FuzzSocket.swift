import ComplexLanguage
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
    for line in bytes.split(separator: 0x0A) { checkPlainRequest(UnsafeBufferPointer(rebasing: line)) }
    let chunk = Int(bytes[0] % 64) + 1
    var offset = 1
    var replies: [UInt8] = []
    var open = true
    // A budget of replies, as a connection sets one: the session must pause only once
    // it is reached, and make progress each time.
    let budget = [Int.max, 1, 200, 4096][Int(bytes[0] >> 6 & 3)]
    var paused = false
    var flushed = 0
    while (offset < size || paused) && open {
        let end = min(offset + chunk, size)
        let before = replies.count
        switch session.receive(UnsafeBufferPointer(rebasing: bytes[offset..<end]), into: &replies, budget: budget == .max ? .max : budget + flushed) {
        case .open:
            offset = end
            paused = false
        case .paused(let consumed):
            precondition(replies.count - flushed >= budget && (replies.count > before || consumed > 0), "a pause without reason or progress")
            offset += consumed
            paused = true
            flushed = replies.count
        case .hangUp:
            open = false
        }
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

/// A request the plain reader takes must be exactly what the full decoder reads (with
/// the operation from an HTTP path, or from the request).
func checkPlainRequest(_ line: UnsafeBufferPointer<UInt8>, operation: MathOperation? = nil) {
    var plainID: Range<Int>?, fullID: Range<Int>?
    guard let plain = WireRequest.decodePlain(line, operation: operation, id: &plainID) else { return }
    guard let full = try? WireRequest.decodeInFull(line, operation: operation, id: &fullID) else {
        preconditionFailure("read plainly, refused in full: \(String(decoding: line, as: UTF8.self))")
    }
    precondition(plain.operation == full.operation && plain.a.isIdentical(to: full.a)
                 && (plain.b.map { b in full.b.map(b.isIdentical) ?? false } ?? (full.b == nil)) && plainID == fullID,
                 "read differently: \(String(decoding: line, as: UTF8.self))")
}
