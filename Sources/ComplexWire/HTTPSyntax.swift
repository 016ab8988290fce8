import Glibc

/// HTTP/1.1's message syntax (RFC 9112) as both ends of this project read it: the
/// server's request parser and the `http` backend's reply parser.
package enum HTTPSyntax {
    /// The longest head (request or status line, and header fields) either side reads.
    package static let maximumHeadLength = 64 * 1024

    // The head's helpers read raw bytes: over `ArraySlice`s, every slice of a line
    // retained the connection's buffer, a hundred retains and releases per request
    // (callgrind). A slice here is `UnsafeBufferPointer(rebasing:)`, indexed from 0.

    /// A line without its final CR (lines end in CRLF; a bare LF is tolerated, RFC 9112 §2.2).
    package static func trimmingCR(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        line.last == UInt8(ascii: "\r") ? UnsafeBufferPointer(rebasing: line.dropLast()) : line
    }

    /// A field value without the optional whitespace around it.
    package static func trimmingSpaces(_ text: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var first = 0, end = text.count
        while first < end, isSpace(text[first]) { first += 1 }
        while end > first, isSpace(text[end - 1]) { end -= 1 }
        return UnsafeBufferPointer(rebasing: text[first..<end])
    }

    /// Space or horizontal tab: HTTP's optional whitespace.
    @inlinable
    package static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    /// True when `value` holds a control character other than horizontal tab, or DEL:
    /// what a field value may not (RFC 9110 §5.5). Eight bytes at a time: a byte at a
    /// time, it was a quarter of the server's head parsing under perf.
    package static func hasControlCharacter(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = value.baseAddress else { return false }
        var index = 0
        while index + 8 <= value.count {
            // Then the eight are looked at one by one, as a tab is allowed.
            if hasControlByte(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) { break }
            index += 8
        }
        while index < value.count {
            let byte = value[index]
            if (byte < 0x20 && byte != 0x09) || byte == 0x7F { return true }
            index += 1
        }
        return false
    }

    /// True when a byte of `word` is below 0x20 (a tab among them), or DEL.
    @inline(__always)
    static func hasControlByte(_ word: UInt64) -> Bool { controlBytes(word) != 0 }

    /// Nonzero when a byte of `word` is below 0x20 or DEL (a zero byte in word ^ 0x7F…);
    /// its lowest set bit is the top bit of the first such byte in memory. (Bits above
    /// it may be set by a borrow, so only the first is exact.)
    @inline(__always)
    static func controlBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let below = (word &- ones &* 0x20) & ~word & highs
        let delete = word ^ (ones &* 0x7F)
        return below | ((delete &- ones) & ~delete & highs)
    }

    /// Where the field value from `start` ends (before its line's CR LF or LF) and
    /// where the next line begins; nil at a control character other than tab, which a
    /// field value may not hold (RFC 9110 §5.5). Eight bytes at a time while none is
    /// below 0x20 or DEL: one pass finds the line's end and checks the value.
    package static func fieldValueEnd(in head: UnsafeBufferPointer<UInt8>, from start: Int) -> (end: Int, next: Int)? {
        var index = start
        while true {
            if index + 8 <= head.count {
                let found = controlBytes(UnsafeRawPointer(head.baseAddress! + index).loadUnaligned(as: UInt64.self))
                if found == 0 {
                    index += 8
                    continue
                }
                index += found.trailingZeroBitCount >> 3
            }
            guard index < head.count else { return (head.count, head.count) }
            let byte = head[index]
            if (byte >= 0x20 && byte != 0x7F) || byte == 0x09 {
                index += 1
                continue
            }
            if byte == UInt8(ascii: "\n") { return (index, index + 1) }
            if byte == UInt8(ascii: "\r") && (index + 1 == head.count || head[index + 1] == UInt8(ascii: "\n")) {
                return (index, index + 2)
            }
            return nil
        }
    }

    /// The index of the first byte from `start` on that is not a token character (a
    /// field name's end: its colon, if the line is well formed).
    package static func tokenEnd(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        // Names are mostly letters and `-`: eight bytes at a time, to the first other.
        while index + 8 <= bytes.count {
            let others = notLettersOrDashes(UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self))
            if others == 0 {
                index += 8
                continue
            }
            index += others.trailingZeroBitCount >> 3
            guard isTokenByte(bytes[index]) else { return index }
            index += 1
        }
        while index < bytes.count, isTokenByte(bytes[index]) { index += 1 }
        return index
    }

    /// The top bit of each byte of `word` that is not an ASCII letter or `-` (the first
    /// byte in memory is the lowest). A byte is a letter when its top bit is clear and,
    /// with 0x20 set, it lies in `a`…`z` (only `A`–`Z` and `a`–`z` do); it is `-` when
    /// it XORs with `-` to zero. No carry crosses a byte, so each bit is exact.
    @inline(__always)
    static func notLettersOrDashes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080, lows = ~highs
        let folded = word & lows | ones &* 0x20
        let fromA = folded &+ ones &* (0x80 - 0x61), pastZ = folded &+ ones &* (0x80 - 0x7B)
        let letters = fromA & ~pastZ & ~word
        let dashes = word ^ (ones &* 0x2D)
        let isDash = ~(((dashes & lows) &+ lows) | dashes) & highs
        return ~(letters | isDash) & highs
    }

    /// True when every byte is a character of a token (a method, a field name): RFC 9110
    /// §5.6.2's tchar.
    package static func isToken(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes where !isTokenByte(byte) { return false }
        return true
    }

    /// A tchar: a letter, a digit, or one of ``!#$%&'*+-.^_`|~``; a bit each in two
    /// words (bytes 0–63, 64–127), no table to load or to initialise.
    @inline(__always)
    package static func isTokenByte(_ byte: UInt8) -> Bool {
        let low: UInt64 = 0x03FF_6CFA_0000_0000, high: UInt64 = 0x57FF_FFFF_C7FF_FFFE
        return byte < 64 ? (low >> byte) & 1 != 0 : byte < 128 && (high >> (byte & 63)) & 1 != 0
    }

    /// Compares with an ASCII name, letters in any case: eight bytes at a time, each
    /// word put in lower case at once (a byte at a time through a table, this was a
    /// twentieth of an HTTP request's instructions on either side under callgrind).
    package static func equalsIgnoringCase(_ given: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
        let count = given.count
        guard count == name.utf8CodeUnitCount else { return false }
        guard count > 0 else { return true }
        let left = UnsafeRawPointer(given.baseAddress!), right = UnsafeRawPointer(name.utf8Start)
        if count < 8 {
            var a: UInt64 = 0, b: UInt64 = 0
            for index in 0..<count {
                a = a << 8 | UInt64(left.load(fromByteOffset: index, as: UInt8.self))
                b = b << 8 | UInt64(right.load(fromByteOffset: index, as: UInt8.self))
            }
            return lowerCased(a) == lowerCased(b)
        }
        var index = 0
        while index + 8 < count {
            guard lowerCased(left.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                    == lowerCased(right.loadUnaligned(fromByteOffset: index, as: UInt64.self)) else { return false }
            index += 8
        }
        // The last eight, which may overlap the eight before.
        return lowerCased(left.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
            == lowerCased(right.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
    }

    /// Each byte of `word` in ASCII lower case: `A`–`Z` to `a`–`z`, every other byte as
    /// it is. A byte is upper case when its low seven bits reach `A` and not `[` and its
    /// top bit is clear; those gain 0x20.
    @inline(__always)
    static func lowerCased(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let heptets = word & (ones &* 0x7F)
        let fromA = heptets &+ ones &* (0x80 - 0x41)
        let pastZ = heptets &+ ones &* (0x80 - 0x5B)
        let upper = fromA & ~pastZ & ~word & (ones &* 0x80)
        return word | upper >> 2
    }

    /// Compares with `literal`, byte for byte (memcmp).
    package static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        bytes.count == literal.utf8CodeUnitCount && (bytes.isEmpty || memcmp(bytes.baseAddress!, literal.utf8Start, bytes.count) == 0)
    }

    /// The index of the first `byte` in `bytes` from `start` on, found by memchr; nil
    /// when there is none.
    package static func firstIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < bytes.count, let found = memchr(bytes.baseAddress! + start, Int32(byte), bytes.count - start) else {
            return nil
        }
        return bytes.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// The field that carries a request's id, echoed in its response (docs/PROTOCOL.md).
    package static let requestIDField: StaticString = "X-Request-Id"
    /// A JSON body's fields, from the first line's end to the length's digits.
    package static let jsonContentHeaders: StaticString = "\r\nContent-Type: application/json\r\nContent-Length: "
    /// The status line of the server's usual reply (a result, HTTP/1.1, kept alive).
    /// Then come `jsonContentHeaders`, the length's digits, the id's field (CR LF,
    /// `requestIDField`, `: `, the id) if the request had one, and `blankLine`. The
    /// server writes it in one piece and the client reads it by comparison.
    package static let usualReplyStatus: StaticString = "HTTP/1.1 200 OK"
    /// After `POST /<op>` in the client's usual request: then the address,
    /// `jsonContentHeaders`, the body's length, the id's field and `blankLine`. (An
    /// `Authorization` field, when there is a token, comes before the content headers.)
    /// The server reads a request of exactly this shape by comparison.
    package static let usualRequestHost: StaticString = " HTTP/1.1\r\nHost: "
    /// The end of a head: the last field line's end and the blank line.
    package static let blankLine: StaticString = "\r\n\r\n"

    /// Whether `bytes` holds `expected` at `position`: how the usual heads are read.
    package static func matches(_ expected: StaticString, in bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> Bool {
        bytes.count - position >= expected.utf8CodeUnitCount
            && memcmp(bytes.baseAddress! + position, expected.utf8Start, expected.utf8CodeUnitCount) == 0
    }

    /// The id's field from the line end before it to its value, as both sides write it.
    package static let requestIDPrefix = Array("\r\n\(requestIDField): ".utf8)

    /// Where the id's field (`requestIDPrefix`) at `position` ends, if it is there.
    package static func requestIDFieldEnd(in bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> Int? {
        let name = position + 2
        guard matches("\r\n", in: bytes, at: position), matches(requestIDField, in: bytes, at: name),
              matches(": ", in: bytes, at: name + requestIDField.utf8CodeUnitCount) else { return nil }
        return name + requestIDField.utf8CodeUnitCount + 2
    }

    /// Where the decimal digits from `start` end.
    @inline(__always)
    package static func digitsEnd(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var end = start
        while end < bytes.count, bytes[end] &- UInt8(ascii: "0") < 10 { end += 1 }
        return end
    }

    /// A request id a server echoes: 1 to `WireRequest.maximumIDLength` visible ASCII
    /// characters.
    package static func isRequestID(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        !value.isEmpty && value.count <= WireRequest.maximumIDLength && value.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    /// A Content-Length value: decimal digits only, at most 15 of them; nil for anything else.
    package static func contentLength(_ value: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !value.isEmpty, value.count <= 15 else { return nil }
        var length = 0
        for byte in value {
            guard byte &- UInt8(ascii: "0") < 10 else { return nil }
            length = length * 10 + Int(byte &- UInt8(ascii: "0"))
        }
        return length
    }

    /// The size on a chunk-size line (hexadecimal, then perhaps extensions after `;`);
    /// nil when it is not one, or over 8 digits.
    package static func chunkSize(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
        let digits = line.prefix { $0 != UInt8(ascii: ";") && !isSpace($0) }
        guard !digits.isEmpty, digits.count <= 8 else { return nil }
        var size = 0
        for byte in digits {
            guard let digit = hexDigit(byte) else { return nil }
            size = size << 4 | digit
        }
        // RFC 9112 §7.1.1: after the size, only whitespace and `;` extensions, with no
        // control character in them (`16 garbage` and a NUL in an extension are not).
        let rest = line[digits.count...].drop(while: isSpace)
        guard rest.isEmpty || rest.first == UInt8(ascii: ";") else { return nil }
        guard !hasControlCharacter(UnsafeBufferPointer(rebasing: rest)) else { return nil }
        return size
    }

    static func hexDigit(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A")) + 10
        default: return nil
        }
    }

    /// The end of the head that starts at `start` (just after its empty line), if it is in.
    package static func headEnd(in buffer: [UInt8], from start: Int) -> Int? {
        buffer.withUnsafeBufferPointer { bytes in
            var index = start
            while index + 1 < bytes.count {
                guard let found = memchr(bytes.baseAddress! + index, 0x0A, bytes.count - index - 1) else { return nil }
                index = bytes.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
                if bytes[index + 1] == UInt8(ascii: "\n") { return index + 2 }
                if bytes[index + 1] == UInt8(ascii: "\r") && index + 2 < bytes.count && bytes[index + 2] == UInt8(ascii: "\n") {
                    return index + 3
                }
                index += 1
            }
            return nil
        }
    }

    /// One line at `start` (without its CRLF), and where the next begins, if its LF is
    /// in; malformed (`what`, too long) when more than a head's length has come without one.
    package static func line(in buffer: [UInt8], from start: Int, what: String) throws(Malformed) -> (ArraySlice<UInt8>, Int)? {
        if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let end = newline > start && buffer[newline - 1] == UInt8(ascii: "\r") ? newline - 1 : newline
            return (buffer[start..<end], newline + 1)
        }
        if buffer.count - start > maximumHeadLength { throw Malformed(description: "\(what) over \(maximumHeadLength >> 10) KiB") }
        return nil
    }

    /// Why bytes are not an HTTP/1.1 message.
    package struct Malformed: Error, Sendable, CustomStringConvertible {
        package var description: String

        package init(description: String) {
            self.description = description
        }
    }
}
