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
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        var index = 0
        while index + 8 <= value.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            // Some byte below 0x20, or equal to 0x7F (a zero byte in word ^ 0x7F…): then
            // the eight are looked at one by one, as a tab is allowed.
            let below = (word &- ones &* 0x20) & ~word & highs
            let delete = word ^ (ones &* 0x7F)
            if below | ((delete &- ones) & ~delete & highs) != 0 { break }
            index += 8
        }
        while index < value.count {
            let byte = value[index]
            if (byte < 0x20 && byte != 0x09) || byte == 0x7F { return true }
            index += 1
        }
        return false
    }

    /// True when every byte is a character of a token (a method, a field name): RFC 9110
    /// §5.6.2's tchar.
    package static func isToken(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        tokenCharacters.withUnsafeBufferPointer { table in
            for byte in bytes where !table[Int(byte)] { return false }
            return true
        }
    }

    static let tokenCharacters: [Bool] = (0..<256).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(UInt8(byte))
        }
    }

    /// Compares with an ASCII name, letters in any case.
    package static func equalsIgnoringCase(_ given: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
        guard given.count == name.utf8CodeUnitCount else { return false }
        // Both sides through one table of lower case, by index: a load each and one
        // comparison a byte (the arithmetic it replaced was a sixteenth of an HTTP
        // request's instructions on either side under callgrind).
        let expected = name.utf8Start
        return lowerCase.withUnsafeBufferPointer { lower in
            for index in 0..<given.count where lower[Int(given[index])] != lower[Int(expected[index])] { return false }
            return true
        }
    }

    /// Each byte in ASCII lower case: `A`–`Z` to `a`–`z`, every other byte as it is.
    static let lowerCase: [UInt8] = (0...255).map { UInt8($0) &- UInt8(ascii: "A") < 26 ? UInt8($0) | 0x20 : UInt8($0) }

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
