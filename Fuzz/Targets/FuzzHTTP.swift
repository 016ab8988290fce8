import ComplexServer

// The HTTP listener as a connection receives it: arbitrary bytes, cut into reads at
// places the input chooses, through the real session (request parser, routes, token
// rule, 100-continue), with and without a token. What the server writes must be whole
// HTTP/1.x responses, one after another, and nothing may follow one that says
// `Connection: close`.
func fuzzHTTP(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    var session = HTTPSession(maximumBodyLength: 512, token: data[0] & 0x80 != 0 ? "s3cret" : nil)
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let chunk = Int(bytes[0] & 0x3F) + 1
    var offset = 1
    var output: [UInt8] = []
    var open = true
    // A budget of replies, as a connection sets one: the session must pause only once
    // it is reached, and make progress each time.
    let budget = [Int.max, 1, 200, 4096][Int(bytes[0] >> 6 & 3)]
    var paused = false
    var flushed = 0
    while (offset < size || paused) && open {
        let end = min(offset + chunk, size)
        let before = output.count
        switch session.receive(UnsafeBufferPointer(rebasing: bytes[offset..<end]), into: &output, budget: budget == .max ? .max : budget + flushed) {
        case .open:
            offset = end
            paused = false
        case .paused(let consumed):
            precondition(output.count - flushed >= budget && (output.count > before || consumed > 0), "a pause without reason or progress")
            offset += consumed
            paused = true
            flushed = output.count
        case .hangUp:
            open = false
        }
    }
    session.close()
    var start = 0
    while start < output.count {
        let rest = output[start...]
        precondition(rest.starts(with: "HTTP/1.1 ".utf8) || rest.starts(with: "HTTP/1.0 ".utf8),
                     "not an HTTP response: \(String(decoding: rest.prefix(80), as: UTF8.self))")
        guard let headEnd = find(Array("\r\n\r\n".utf8), in: output, from: start) else {
            preconditionFailure("a response without the end of its head: \(String(decoding: rest.prefix(80), as: UTF8.self))")
        }
        let head = String(decoding: output[start..<headEnd], as: UTF8.self).lowercased()
        var next = headEnd + 4
        if let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length: ") }),
           let length = Int(line.dropFirst("content-length: ".count)) {
            // A HEAD response has the length of GET's and no body; a body is never HTTP.
            let headResponse = output[next...].starts(with: "HTTP/1.".utf8) || next == output.count
            if !headResponse { next += length }
        }
        precondition(next <= output.count, "a response cut short")
        if head.contains("\r\nconnection: close") {
            precondition(next == output.count && !open, "something follows Connection: close")
        }
        start = next
    }
    return 0
}

func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
    guard haystack.count >= needle.count else { return nil }
    var index = start
    while index + needle.count <= haystack.count {
        if haystack[index..<index + needle.count].elementsEqual(needle) { return index }
        index += 1
    }
    return nil
}
