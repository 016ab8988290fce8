import ComplexLanguage
import ComplexWire

/// Reads HTTP/1.1 requests, in order, from the bytes of one connection as they arrive
/// (RFC 9112): a request line, header fields, and a body framed by `Content-Length` or
/// by chunked transfer coding.
///
/// Strict where leniency lets two parsers disagree about where a request ends (request
/// smuggling) or whom it is for: a field name followed by whitespace, an obsolete line
/// folding, a `Content-Length` that is not one number, both `Content-Length` and
/// `Transfer-Encoding`, a coding other than `chunked`, an HTTP/1.1 request without one
/// valid `Host`, two `Authorization` fields, or a head over 64 KiB is malformed, and so
/// is a first line that cannot begin an HTTP/1.x request (HTTP/0.9, a TLS hello), as
/// soon as it is seen. Lenient where it costs nothing: empty lines before a request and
/// bare LF line ends are accepted.
struct HTTPRequestParser {
    enum Method: Equatable {
        case get, head, post, connect
        /// Any other token: routed to 405 or 404.
        case other
    }

    /// What the server needs of a request's head.
    struct Head: Equatable {
        var method = Method.other
        /// The request target, as sent.
        var target = ""
        /// 0 for HTTP/1.0, 1 for HTTP/1.1.
        var minorVersion = 1
        /// Whether the connection stays open after the response: HTTP/1.1's default
        /// unless `Connection: close`; HTTP/1.0's only with `Connection: keep-alive`.
        var keepAlive = true
        /// `Expect: 100-continue`: the client waits for `100 Continue` before its body.
        var expectsContinue = false
        /// The `Authorization` field's value.
        var authorization: [UInt8]?
        /// `X-Request-Id`, echoed in the response so the client can match it.
        var requestID: RequestID?
        /// The operation when the target is exactly `/<op>` (no query, no absolute
        /// form): the route of nearly every request, found from the bytes.
        var operation: MathOperation?
    }

    enum Event {
        /// A whole request; its body is valid until the parser is next fed.
        case request(Head, body: ArraySlice<UInt8>)
        /// A request whose body is over the limit: it is answered 413 and the connection
        /// closed, so nothing after it is read.
        case bodyTooLarge(Head)
    }

    /// Why the bytes are not an HTTP/1.1 request; answered 400, then the connection is closed.
    typealias Malformed = HTTPSyntax.Malformed

    enum State {
        case head
        /// A body of `length` bytes from `start`.
        case body(length: Int)
        /// A chunked body.
        case chunked
    }

    let maximumBodyLength: Int
    var buffer: [UInt8] = []
    /// Where the unread bytes start.
    var start = 0
    var state = State.head
    /// The head of the request whose body is being read.
    var current = Head()
    /// The incomplete head's first line has been checked (`checkFirstLine`): once per
    /// request, not once per read of a head that trickles in.
    var firstLineChecked = false
    var chunks: HTTPChunkedBody

    init(maximumBodyLength: Int) {
        self.maximumBodyLength = maximumBodyLength
        self.chunks = HTTPChunkedBody(maximumLength: maximumBodyLength)
        buffer.reserveCapacity(1024)
    }

    /// The head of a request whose body has not all arrived yet.
    var headAwaitingBody: Head? {
        if case .head = state { return nil }
        return current
    }

    /// True while a request has begun and not ended (empty lines between requests do
    /// not begin one).
    var requestInProgress: Bool {
        if case .head = state {
            return buffer[start...].contains { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }
        }
        return true
    }

    /// Appends received bytes.
    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 17)
            start = 0
        } else if start > 0 && start >= buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next request, nil until the bytes for one are in.
    mutating func next() throws(Malformed) -> Event? {
        while true {
            switch state {
            case .head:
                // Empty lines before a request line are ignored (RFC 9112 §2.2).
                while start < buffer.count && (buffer[start] == UInt8(ascii: "\r") || buffer[start] == UInt8(ascii: "\n")) {
                    start += 1
                }
                guard start < buffer.count else { return nil }
                let bytes = buffer
                if let usual = bytes.withUnsafeBufferPointer({ readUsualHead(UnsafeBufferPointer(rebasing: $0[start...])) }) {
                    start += usual.headLength
                    firstLineChecked = false
                    guard usual.length <= maximumBodyLength else { return .bodyTooLarge(current) }
                    state = .body(length: usual.length)
                    continue
                }
                guard let end = HTTPSyntax.headEnd(in: buffer, from: start) else {
                    if buffer.count - start > HTTPSyntax.maximumHeadLength { throw Self.headTooLong }
                    try checkFirstLine()
                    return nil
                }
                // The limit holds for the whole head, however it arrived.
                if end - start > HTTPSyntax.maximumHeadLength { throw Self.headTooLong }
                // `bytes`, a second reference for the call, lets reading the head set
                // `current` while the bytes are borrowed (nothing writes `buffer` then).
                let framing = try bytes.withUnsafeBufferPointer { (all) throws(Malformed) in
                    try readHead(UnsafeBufferPointer(rebasing: all[start..<end]))
                }
                start = end
                firstLineChecked = false
                switch framing {
                case .fixed(let length) where length > maximumBodyLength:
                    return .bodyTooLarge(current)
                case .fixed(let length):
                    state = .body(length: length)
                case .chunked:
                    chunks.reset()
                    state = .chunked
                }
            case .body(let length):
                guard buffer.count - start >= length else { return nil }
                let body = buffer[start..<start + length]
                start += length
                state = .head
                return .request(current, body: body)
            case .chunked:
                switch try chunks.read(buffer, from: &start) {
                case .needMore: return nil
                case .tooLong: return .bodyTooLarge(current)
                case .complete:
                    state = .head
                    return .request(current, body: chunks.body[...])
                }
            }
        }
    }

    enum Framing {
        case fixed(Int)
        case chunked
    }

    static let headTooLong = Malformed(description: "a request head over \(HTTPSyntax.maximumHeadLength >> 10) KiB")

    /// While a head is incomplete: its first line, once it is in, must be a request
    /// line, and its first byte must be able to begin one, so that HTTP/0.9's `GET /`
    /// and a TLS hello are answered at once rather than at the header deadline.
    mutating func checkFirstLine() throws(Malformed) {
        guard !firstLineChecked else { return }
        let bytes = buffer
        try bytes.withUnsafeBufferPointer { (all) throws(Malformed) in
            guard HTTPSyntax.isToken(UnsafeBufferPointer(rebasing: all[start..<(start + 1)])) else {
                throw Malformed(description: "bytes that are not an HTTP/1.x request (TLS? this server speaks plain HTTP)")
            }
            guard let newline = HTTPSyntax.firstIndex(of: UInt8(ascii: "\n"), in: all, from: start) else { return }
            firstLineChecked = true
            let saved = current
            defer { current = saved }
            try readRequestLine(HTTPSyntax.trimmingCR(UnsafeBufferPointer(rebasing: all[start..<newline])))
        }
    }

    /// Reads the request line and the fields that matter into `current`: by index over
    /// the head's bytes, with no array per line (`split` was an eighth of a request's
    /// instructions under callgrind), and each field line in one pass: its name's
    /// token check finds the colon, and its value's control-character check finds the
    /// line's end (a search for each, and a check for each, were a quarter of the
    /// server's instructions for a pipelined HTTP request).
    mutating func readHead(_ head: UnsafeBufferPointer<UInt8>) throws(Malformed) -> Framing {
        current = Head()
        var length: Int?
        var chunked = false
        var connectionClose = false, connectionKeepAlive = false
        var hosts = 0
        let firstNewline = HTTPSyntax.firstIndex(of: UInt8(ascii: "\n"), in: head, from: 0) ?? head.count
        try readRequestLine(HTTPSyntax.trimmingCR(UnsafeBufferPointer(rebasing: head[..<firstNewline])))
        var position = firstNewline + 1
        while position < head.count {
            // An empty line (LF, or CR LF; a final lone CR counts as one).
            let first = head[position]
            if first == UInt8(ascii: "\n") {
                position += 1
                continue
            }
            if first == UInt8(ascii: "\r") && (position + 1 == head.count || head[position + 1] == UInt8(ascii: "\n")) {
                position += 2
                continue
            }
            guard !HTTPSyntax.isSpace(first) else { throw Malformed(description: "a folded header line (obsolete line folding)") }
            let colon = HTTPSyntax.tokenEnd(in: head, from: position)
            guard colon > position, colon < head.count, head[colon] == UInt8(ascii: ":") else {
                // A colon further on in the line makes the name the fault.
                let lineEnd = HTTPSyntax.firstIndex(of: UInt8(ascii: "\n"), in: head, from: position) ?? head.count
                let hasColon = HTTPSyntax.firstIndex(of: UInt8(ascii: ":"), in: UnsafeBufferPointer(rebasing: head[..<lineEnd]), from: position) != nil
                throw Malformed(description: hasColon ? "a header name that is not a token" : "a header line without a colon")
            }
            let name = UnsafeBufferPointer(rebasing: head[position..<colon])
            guard let (lineEnd, next) = HTTPSyntax.fieldValueEnd(in: head, from: colon + 1) else {
                throw Malformed(description: "a control character in a header value")
            }
            position = next
            let value = HTTPSyntax.trimmingSpaces(UnsafeBufferPointer(rebasing: head[(colon + 1)..<lineEnd]))
            switch name.count {
            case 14 where HTTPSyntax.equalsIgnoringCase(name, "content-length"):
                guard let count = HTTPSyntax.contentLength(value), length == nil || length == count else {
                    throw Malformed(description: "a Content-Length that is not one number")
                }
                length = count
            case 17 where HTTPSyntax.equalsIgnoringCase(name, "transfer-encoding"):
                guard HTTPSyntax.equalsIgnoringCase(value, "chunked"), !chunked else {
                    throw Malformed(description: "a transfer coding other than chunked")
                }
                chunked = true
            case 10 where HTTPSyntax.equalsIgnoringCase(name, "connection"):
                for token in value.split(separator: UInt8(ascii: ",")) {
                    let token = HTTPSyntax.trimmingSpaces(UnsafeBufferPointer(rebasing: token))
                    if HTTPSyntax.equalsIgnoringCase(token, "close") { connectionClose = true }
                    if HTTPSyntax.equalsIgnoringCase(token, "keep-alive") { connectionKeepAlive = true }
                }
            case 6 where HTTPSyntax.equalsIgnoringCase(name, "expect"):
                current.expectsContinue = HTTPSyntax.equalsIgnoringCase(value, "100-continue")
            case 13 where HTTPSyntax.equalsIgnoringCase(name, "authorization"):
                guard current.authorization == nil else { throw Malformed(description: "two Authorization fields") }
                current.authorization = Array(value)
            case HTTPSyntax.requestIDField.utf8CodeUnitCount where HTTPSyntax.equalsIgnoringCase(name, HTTPSyntax.requestIDField):
                guard current.requestID == nil else { throw Malformed(description: "two \(HTTPSyntax.requestIDField) fields") }
                guard HTTPSyntax.isRequestID(value) else {
                    throw Malformed(description: "an \(HTTPSyntax.requestIDField) that is not 1 to \(WireRequest.maximumIDLength) visible ASCII characters")
                }
                current.requestID = RequestID(value)
            case 4 where HTTPSyntax.equalsIgnoringCase(name, "host"):
                hosts += 1
                guard hosts == 1 else { throw Malformed(description: "two Host fields") }
                guard value.allSatisfy(Self.isHostByte) else { throw Malformed(description: "a Host that is not host[:port]") }
            default:
                break
            }
        }
        if current.minorVersion == 1 && hosts == 0 {
            throw Malformed(description: "an HTTP/1.1 request without Host")
        }
        // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing;
        // it is answered, then the connection is closed.
        current.keepAlive = !connectionClose && (current.minorVersion == 1 || connectionKeepAlive)
            && !(chunked && current.minorVersion == 0)
        if chunked {
            guard length == nil else { throw Malformed(description: "both Content-Length and Transfer-Encoding") }
            return .chunked
        }
        return .fixed(length ?? 0)
    }

    /// The client's usual request head at the start of `bytes` (`POST /<op>`,
    /// `HTTPSyntax.usualRequestHost`, a Host of host bytes, the JSON content headers and
    /// the length, a visible-ASCII id, the blank line), read by comparison into
    /// `current`: the body's length and the head's own. Nil for any other head, or one
    /// not all in, with `current` untouched; `readHead` reads those. Where this reads a
    /// head, `readHead` reads the same from it (`HTTPRequestParserTests`). The general
    /// reading was over a third of the server's instructions per pipelined request.
    mutating func readUsualHead(_ bytes: UnsafeBufferPointer<UInt8>) -> (length: Int, headLength: Int)? {
        let targetStart = 5  // after "POST "
        guard HTTPSyntax.matches("POST /", in: bytes, at: 0) else { return nil }
        var position = targetStart + 1
        while position < bytes.count, bytes[position] &- UInt8(ascii: "a") < 26 || bytes[position] &- UInt8(ascii: "0") < 10 { position += 1 }
        let target = UnsafeBufferPointer(rebasing: bytes[targetStart..<position])
        guard let operation = WireRequest.operation(bytes: UnsafeBufferPointer(rebasing: target[1...])),
              HTTPSyntax.matches(HTTPSyntax.usualRequestHost, in: bytes, at: position) else { return nil }
        position += HTTPSyntax.usualRequestHost.utf8CodeUnitCount
        while position < bytes.count, Self.isHostByte(bytes[position]) { position += 1 }
        guard HTTPSyntax.matches(HTTPSyntax.jsonContentHeaders, in: bytes, at: position) else { return nil }
        let lengthStart = position + HTTPSyntax.jsonContentHeaders.utf8CodeUnitCount
        position = HTTPSyntax.digitsEnd(in: bytes, from: lengthStart)
        guard let length = HTTPSyntax.contentLength(UnsafeBufferPointer(rebasing: bytes[lengthStart..<position])),
              let idStart = HTTPSyntax.requestIDFieldEnd(in: bytes, at: position) else { return nil }
        position = idStart
        while position < bytes.count, bytes[position] > 0x20 && bytes[position] < 0x7F { position += 1 }
        let id = UnsafeBufferPointer(rebasing: bytes[idStart..<position])
        let headLength = position + HTTPSyntax.blankLine.utf8CodeUnitCount
        guard HTTPSyntax.isRequestID(id), HTTPSyntax.matches(HTTPSyntax.blankLine, in: bytes, at: position),
              headLength <= HTTPSyntax.maximumHeadLength else { return nil }
        current = Head(method: .post, target: String(decoding: target, as: UTF8.self), minorVersion: 1, keepAlive: true,
                       expectsContinue: false, authorization: nil, requestID: RequestID(id), operation: operation)
        return (length, headLength)
    }

    /// `METHOD SP target SP HTTP/1.x`.
    mutating func readRequestLine(_ line: UnsafeBufferPointer<UInt8>) throws(Malformed) {
        guard let firstSpace = HTTPSyntax.firstIndex(of: UInt8(ascii: " "), in: line, from: 0),
              let secondSpace = HTTPSyntax.firstIndex(of: UInt8(ascii: " "), in: line, from: firstSpace + 1) else {
            throw Malformed(description: "a request line that is not METHOD TARGET HTTP/1.1")
        }
        let method = UnsafeBufferPointer(rebasing: line[..<firstSpace])
        let target = UnsafeBufferPointer(rebasing: line[(firstSpace + 1)..<secondSpace])
        let version = UnsafeBufferPointer(rebasing: line[(secondSpace + 1)...])
        guard !method.isEmpty, HTTPSyntax.isToken(method), !target.isEmpty, !target.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            throw Malformed(description: "a request line that is not METHOD TARGET HTTP/1.1")
        }
        if HTTPSyntax.equals(version, "HTTP/1.1") {
            current.minorVersion = 1
        } else if HTTPSyntax.equals(version, "HTTP/1.0") {
            current.minorVersion = 0
        } else {
            throw Malformed(description: "an HTTP version other than 1.1 or 1.0 (or a space in the target)")
        }
        switch method.count {
        case 3 where HTTPSyntax.equals(method, "GET"): current.method = .get
        case 4 where HTTPSyntax.equals(method, "POST"): current.method = .post
        case 4 where HTTPSyntax.equals(method, "HEAD"): current.method = .head
        case 7 where HTTPSyntax.equals(method, "CONNECT"): current.method = .connect
        default: current.method = .other
        }
        current.target = String(decoding: target, as: UTF8.self)
        current.operation = target.first == UInt8(ascii: "/") ? WireRequest.operation(bytes: UnsafeBufferPointer(rebasing: target[1...])) : nil
    }

    /// A byte of `host[:port]` (RFC 3986's reg-name, IPv4 and bracketed IPv6 literals,
    /// percent-encoding): letters, digits and `-._~!$&'()*+,;=:[]%`; no whitespace, no
    /// `@`, no `/`. A bitmap of the 128 ASCII bytes (the test lists them).
    @inline(__always)
    static func isHostByte(_ byte: UInt8) -> Bool {
        byte < 64 ? (0x2FFF_7FF2_0000_0000 as UInt64) >> byte & 1 != 0
            : byte < 128 && (0x47FF_FFFE_AFFF_FFFE as UInt64) >> (byte - 64) & 1 != 0
    }

}
