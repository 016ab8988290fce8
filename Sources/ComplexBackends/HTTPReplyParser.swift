import Glibc
import ComplexWire

/// Reads the `http` backend's replies: HTTP/1.1 responses, in order, from the bytes of
/// one connection as they arrive.
///
/// It reads what a server may send in answer to a POST: a status line, headers, and a
/// body framed by `Content-Length` or by chunked transfer coding; interim (1xx)
/// responses are skipped. A response framed only by the end of the connection has no
/// place on a kept connection and is refused, as are heads over 64 KiB and bodies over
/// 1 MiB. It replaced NIO's `HTTPResponseDecoder` driven on an EmbeddedChannel, which
/// was two thirds of the client's instructions per operation under callgrind.
package struct HTTPReplyParser {
    /// A whole response.
    package struct Response: Equatable {
        package var status: Int
        package var body: ArraySlice<UInt8>
        package var keepAlive: Bool
        /// The `X-Request-Id` field's value: the id of the request it answers.
        package var requestID: RequestID? = nil
    }

    /// An `X-Request-Id` as the client reads it: the decimal number it sent, or else the
    /// text, for the error that says so.
    package enum RequestID: Equatable {
        case decimal(UInt64)
        case other(String)

        init(_ value: UnsafeBufferPointer<UInt8>) {
            self = WireRequest.decimalID(value).map(RequestID.decimal) ?? .other(String(decoding: value.prefix(64), as: UTF8.self))
        }
    }

    /// Why the bytes are not a response.
    package typealias Malformed = HTTPSyntax.Malformed

    static var maximumHeadLength: Int { HTTPSyntax.maximumHeadLength }
    /// The longest reply body read.
    let maximumBodyLength: Int

    enum State {
        case head
        /// A body of known length, after the head that ended at `bodyStart`.
        case body(length: Int)
        /// A chunked body.
        case chunked
    }

    var buffer: [UInt8] = []
    /// Where the unread bytes start.
    var start = 0
    var state = State.head
    var status = 0
    /// Bytes of interim (1xx) responses before the response being read: they count
    /// against the head's limit, so a stream of them ends.
    var interimBytes = 0
    var keepAlive = true
    /// The `X-Request-Id` of the response being read: read off at once, since a slice of
    /// `buffer` would hold a second reference to it and make every `feed` copy it.
    var requestID: RequestID?
    var chunks: HTTPChunkedBody

    /// - Parameter maximumBodyLength: the longest body read (by default the clients' reply cap).
    package init(maximumBodyLength: Int = ClientPolicy.maximumReplyLength) {
        self.maximumBodyLength = maximumBodyLength
        chunks = HTTPChunkedBody(maximumLength: maximumBodyLength)
    }

    /// Appends received bytes.
    package mutating func feed(_ bytes: ArraySlice<UInt8>) {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole response, nil until the bytes for one are in.
    package mutating func next() throws(Malformed) -> Response? {
        while true {
            switch state {
            case .head:
                if let usual = buffer.withUnsafeBufferPointer({ Self.usualHead(UnsafeBufferPointer(rebasing: $0[start...])) }),
                   usual.length <= maximumBodyLength {
                    // What `readHead` would have set from these bytes.
                    status = 200
                    keepAlive = true
                    requestID = usual.requestID.map(RequestID.decimal)
                    interimBytes = 0
                    start += usual.headLength
                    state = .body(length: usual.length)
                    continue
                }
                guard let end = try headEnd() else { return nil }
                // A second reference for the call, so that reading the head can set
                // the parser's fields while the bytes are borrowed.
                let bytes = buffer
                let length = try bytes.withUnsafeBufferPointer { (all) throws(Malformed) in
                    try readHead(UnsafeBufferPointer(rebasing: all[start..<end]))
                }
                let headBytes = end - start
                start = end
                if (100..<200).contains(status) {
                    if status == 101 { throw Malformed(description: "the server switched protocols") }
                    interimBytes += headBytes
                    if interimBytes > Self.maximumHeadLength {
                        throw Malformed(description: "interim (1xx) responses over \(Self.maximumHeadLength >> 10) KiB before a reply")
                    }
                    continue  // interim: the real response follows
                }
                interimBytes = 0
                if status == 204 || status == 304 {
                    return Response(status: status, body: [], keepAlive: keepAlive, requestID: requestID)
                }
                switch length {
                case .chunked: chunks.reset(); state = .chunked
                case .fixed(let count): state = .body(length: count)
                }
            case .body(let length):
                guard buffer.count - start >= length else { return nil }
                let body = buffer[start..<start + length]
                start += length
                state = .head
                return Response(status: status, body: body, keepAlive: keepAlive, requestID: requestID)
            case .chunked:
                switch try chunks.read(buffer, from: &start) {
                case .needMore: return nil
                case .tooLong: throw tooLong
                case .complete:
                    state = .head
                    return Response(status: status, body: chunks.body[...], keepAlive: keepAlive, requestID: requestID)
                }
            }
        }
    }

    var tooLong: Malformed { Malformed(description: "a reply body over \(maximumBodyLength) bytes") }

    /// The end of the head that starts at `start` (after its blank line), if it is in.
    func headEnd() throws(Malformed) -> Int? {
        if let end = HTTPSyntax.headEnd(in: buffer, from: start) { return end }
        if buffer.count - start > Self.maximumHeadLength {
            throw Malformed(description: "a response head over \(Self.maximumHeadLength >> 10) KiB")
        }
        return nil
    }

    /// The server's usual reply head (`HTTPSyntax.usualReplyStatus`, the JSON content
    /// headers, the length's digits, the id's field with decimal digits or no id field,
    /// the blank line) at the start of `bytes`, read by comparison: its body's length,
    /// its request id and its own length. Nil for any other head, or one not all in;
    /// `readHead` reads those. Where this reads a head, `readHead` reads the same from
    /// it. Reading every head line by line was a fifth of the client's instructions per
    /// reply.
    static func usualHead(_ bytes: UnsafeBufferPointer<UInt8>) -> (length: Int, requestID: UInt64?, headLength: Int)? {
        let lengthStart = HTTPSyntax.usualReplyStatus.utf8CodeUnitCount + HTTPSyntax.jsonContentHeaders.utf8CodeUnitCount
        guard HTTPSyntax.matches(HTTPSyntax.usualReplyStatus, in: bytes, at: 0),
              HTTPSyntax.matches(HTTPSyntax.jsonContentHeaders, in: bytes, at: HTTPSyntax.usualReplyStatus.utf8CodeUnitCount) else { return nil }
        var position = HTTPSyntax.digitsEnd(in: bytes, from: lengthStart)
        guard let length = HTTPSyntax.contentLength(UnsafeBufferPointer(rebasing: bytes[lengthStart..<position])) else { return nil }
        var requestID: UInt64?
        if let idStart = HTTPSyntax.requestIDFieldEnd(in: bytes, at: position) {
            position = HTTPSyntax.digitsEnd(in: bytes, from: idStart)
            guard let id = WireRequest.decimalID(UnsafeBufferPointer(rebasing: bytes[idStart..<position])) else { return nil }
            requestID = id
        }
        guard HTTPSyntax.matches(HTTPSyntax.blankLine, in: bytes, at: position) else { return nil }
        return (length, requestID, position + HTTPSyntax.blankLine.utf8CodeUnitCount)
    }

    enum BodyLength {
        case fixed(Int)
        case chunked
    }

    /// Reads the status line and the headers that matter; sets `status`, `keepAlive` and
    /// `requestID`. By index over the head's bytes, with no array per line (`split`
    /// allocated one per head and one per line, the most of the client's time per reply
    /// after the arithmetic).
    mutating func readHead(_ head: UnsafeBufferPointer<UInt8>) throws(Malformed) -> BodyLength {
        var position = 0
        func nextLine() -> UnsafeBufferPointer<UInt8>? {
            guard position < head.count else { return nil }
            let newline = HTTPSyntax.firstIndex(of: UInt8(ascii: "\n"), in: head, from: position) ?? head.count
            defer { position = newline + 1 }
            return HTTPSyntax.trimmingCR(UnsafeBufferPointer(rebasing: head[position..<newline]))
        }
        guard let statusLine = nextLine() else { throw Malformed(description: "an empty response") }
        // "HTTP/1.1 200 OK": the version, then a three-digit status.
        let version = UnsafeBufferPointer(rebasing: statusLine.prefix(8))
        guard statusLine.count >= 12, HTTPSyntax.equals(version, "HTTP/1.1") || HTTPSyntax.equals(version, "HTTP/1.0"),
              statusLine[8] == UInt8(ascii: " ") else {
            throw Malformed(description: "a status line that is not HTTP/1.x's")
        }
        var code = 0
        for byte in statusLine[9..<12] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { throw Malformed(description: "a status that is not three digits") }
            code = code * 10 + Int(byte - UInt8(ascii: "0"))
        }
        status = code
        keepAlive = version.last == UInt8(ascii: "1")
        requestID = nil
        var length: Int?
        var chunked = false
        while let line = nextLine() {
            if line.isEmpty { continue }
            guard let colon = HTTPSyntax.firstIndex(of: UInt8(ascii: ":"), in: line, from: 0) else {
                throw Malformed(description: "a header line without a colon")
            }
            let name = UnsafeBufferPointer(rebasing: line[..<colon])
            let value = HTTPSyntax.trimmingSpaces(UnsafeBufferPointer(rebasing: line[(colon + 1)...]))
            // By length first: one comparison per field, not one per name known.
            switch name.count {
            case 14 where HTTPSyntax.equalsIgnoringCase(name, "content-length"):
                guard let count = HTTPSyntax.contentLength(value) else {
                    throw Malformed(description: "a Content-Length that is not a number")
                }
                if let length, length != count { throw Malformed(description: "two different Content-Lengths") }
                length = count
            case HTTPSyntax.requestIDField.utf8CodeUnitCount where HTTPSyntax.equalsIgnoringCase(name, HTTPSyntax.requestIDField):
                guard requestID == nil else { throw Malformed(description: "two \(HTTPSyntax.requestIDField) fields") }
                requestID = RequestID(value)
            case 17 where HTTPSyntax.equalsIgnoringCase(name, "transfer-encoding"):
                guard HTTPSyntax.equalsIgnoringCase(value, "chunked") else {
                    throw Malformed(description: "a transfer coding other than chunked")
                }
                chunked = true
            case 10 where HTTPSyntax.equalsIgnoringCase(name, "connection"):
                for token in value.split(separator: UInt8(ascii: ",")) {
                    let token = HTTPSyntax.trimmingSpaces(UnsafeBufferPointer(rebasing: token))
                    if HTTPSyntax.equalsIgnoringCase(token, "close") { keepAlive = false }
                    if HTTPSyntax.equalsIgnoringCase(token, "keep-alive") { keepAlive = true }
                }
            default:
                break
            }
        }
        if chunked { return .chunked }
        if let length {
            guard length <= maximumBodyLength else { throw tooLong }
            return .fixed(length)
        }
        if (100..<200).contains(status) || status == 204 || status == 304 { return .fixed(0) }
        throw Malformed(description: "a response without Content-Length, which only the end of the connection could frame")
    }
}
