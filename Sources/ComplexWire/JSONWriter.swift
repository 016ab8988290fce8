import ComplexLanguage

/// Appends the wire's JSON strings to a byte buffer, escaped (an error's code and
/// message). Numbers and values are written by `ByteCursor`, into room made once for
/// a whole message.
package struct JSONWriter: Sendable {
    package init() {}

    package func appendString(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            // Room for the worst case (every byte `\u00XX`) made at once and written in
            // place, then the rest given back: appending a run and an escape at a time
            // made an error reply's message cost more than the rest of its reply.
            let start = out.count
            out.append(contentsOf: repeatElement(0, count: bytes.count * 6 + 2))
            let written = out.withUnsafeMutableBufferPointer { buffer in
                var at = start
                buffer[at] = UInt8(ascii: "\"")
                at += 1
                var index = 0
                while index < bytes.count {
                    // Eight bytes at a time while none needs an escape (below 0x20, `"`, `\`).
                    if index + 8 <= bytes.count {
                        let word = UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self)
                        if !Self.needsEscape(word) {
                            UnsafeMutableRawPointer(buffer.baseAddress! + at).storeBytes(of: word, as: UInt64.self)
                            index += 8
                            at += 8
                            continue
                        }
                    }
                    let byte = bytes[index]
                    index += 1
                    if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                        buffer[at] = byte
                        at += 1
                        continue
                    }
                    buffer[at] = UInt8(ascii: "\\")
                    switch byte {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                        buffer[at + 1] = byte
                        at += 2
                    case UInt8(ascii: "\n"):
                        buffer[at + 1] = UInt8(ascii: "n")
                        at += 2
                    default:
                        buffer[at + 1] = UInt8(ascii: "u")
                        buffer[at + 2] = UInt8(ascii: "0")
                        buffer[at + 3] = UInt8(ascii: "0")
                        buffer[at + 4] = Self.hexDigits[Int(byte >> 4)]
                        buffer[at + 5] = Self.hexDigits[Int(byte & 0xF)]
                        at += 6
                    }
                }
                buffer[at] = UInt8(ascii: "\"")
                return at + 1
            }
            out.removeLast(out.count - written)
        }
    }

    /// True when a byte of `word` is below 0x20, `"` or `\`: a zero byte of `word` less
    /// 0x20…, or of `word` XOR `"`…, or XOR `\`… (each test exact as a whole).
    @inline(__always)
    static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
        return ((word &- ones &* 0x20) & ~word | (quote &- ones) & ~quote | (backslash &- ones) & ~backslash) & highs != 0
    }

    static let hexDigits = Array("0123456789abcdef".utf8)
}
