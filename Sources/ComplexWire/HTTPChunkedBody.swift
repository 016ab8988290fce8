/// A body in HTTP/1.1's chunked transfer coding (RFC 9112 §7.1), gathered as it arrives:
/// chunk-size lines (extensions ignored), each chunk's data and its line end, then the
/// trailer fields, which are skipped. The server's request parser and the `http`
/// backend's reply parser both read bodies this way.
package struct HTTPChunkedBody {
    enum State {
        /// The next chunk-size line is due.
        case size
        /// `remaining` bytes of the current chunk, then its line end.
        case data(remaining: Int)
        /// After the last chunk: trailer lines until an empty one.
        case trailers
    }

    /// What a call to `read` came to.
    package enum Progress {
        /// The bytes so far are not the whole body.
        case needMore
        /// The whole body is in `body`.
        case complete
        /// The body has passed `maximumLength`.
        case tooLong
    }

    let maximumLength: Int
    var state = State.size
    /// The chunks' data so far.
    package private(set) var body: [UInt8] = []

    package init(maximumLength: Int) {
        self.maximumLength = maximumLength
    }

    /// Starts a new body, keeping the storage.
    package mutating func reset() {
        state = .size
        body.removeAll(keepingCapacity: true)
    }

    /// Reads what `buffer` holds of the body from `start`, moving `start` past what it
    /// has taken.
    package mutating func read(_ buffer: [UInt8], from start: inout Int) throws(HTTPSyntax.Malformed) -> Progress {
        while true {
            switch state {
            case .size:
                guard let (line, next) = try HTTPSyntax.line(in: buffer, from: start, what: "a chunk-size line") else { return .needMore }
                guard let size = line.withUnsafeBufferPointer(HTTPSyntax.chunkSize) else {
                    throw HTTPSyntax.Malformed(description: "a chunk-size line that is not a hexadecimal size and extensions")
                }
                start = next
                if size == 0 {
                    state = .trailers
                } else if body.count + size > maximumLength {
                    return .tooLong
                } else {
                    state = .data(remaining: size)
                }
            case .data(let remaining):
                guard buffer.count - start >= remaining + 1 else { return .needMore }
                var end = start + remaining
                if buffer[end] == UInt8(ascii: "\r") {
                    guard buffer.count > end + 1 else { return .needMore }
                    end += 1
                }
                guard buffer[end] == UInt8(ascii: "\n") else { throw HTTPSyntax.Malformed(description: "a chunk not followed by CRLF") }
                body.append(contentsOf: buffer[start..<start + remaining])
                start = end + 1
                state = .size
            case .trailers:
                guard let (line, next) = try HTTPSyntax.line(in: buffer, from: start, what: "a trailer line") else { return .needMore }
                start = next
                if line.isEmpty {
                    state = .size
                    return .complete
                }
                // A trailer is a field line like a header's: a token, then a colon.
                guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                      line[..<colon].withUnsafeBufferPointer(HTTPSyntax.isToken) else {
                    throw HTTPSyntax.Malformed(description: "a trailer line that is not a field (name: value)")
                }
            }
        }
    }
}
