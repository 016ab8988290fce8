import Glibc

/// A JSON string of the input as `JSONReader` read it: its bytes when it is plain ASCII
/// without escapes (every key and operation name the wire defines), else its decoded
/// text. Comparing the bytes with a literal costs no String: the server decodes a
/// request's three keys and its operation name this way.
struct JSONText: CustomStringConvertible {
    /// The bytes between the quotes, valid while the reader's input is.
    let bytes: UnsafeBufferPointer<UInt8>
    /// The decoded text, when the string needed decoding.
    let decoded: String?

    /// True when the text is exactly `literal`: `case "op":` in a switch.
    static func ~= (literal: StaticString, text: JSONText) -> Bool {
        if let decoded = text.decoded { return decoded == literal.description }
        // A length check and memcmp: `elementsEqual` compared a byte at a time, through
        // generic code (5% of a pipelined client's instructions).
        return literal.utf8CodeUnitCount == text.bytes.count
            && (text.bytes.isEmpty || memcmp(literal.utf8Start, text.bytes.baseAddress!, text.bytes.count) == 0)
    }

    var description: String { decoded ?? String(decoding: bytes, as: UTF8.self) }
}
