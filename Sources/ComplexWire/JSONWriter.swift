import ComplexLanguage

/// Appends the wire's JSON to a byte buffer: numbers in their shortest round-trip form
/// (`DecimalDigits`, never the REPL's display settings), non-finite numbers as the
/// strings "inf", "-inf", "nan", and negative zero as `-0.0`: JSON readers such as
/// Python's read `-0` as the integer 0 and lose the sign.
package struct JSONWriter: Sendable {
    var digits = DecimalDigits()

    package init() {}

    package mutating func appendNumber(_ x: Double, to out: inout [UInt8]) {
        if x.isNaN {
            out.appendLiteral(#""nan""#)
        } else if x.isInfinite {
            out.append(contentsOf: (x < 0 ? #""-inf""# : #""inf""#).utf8)
        } else if x == 0 {
            out.append(contentsOf: (x.sign == .minus ? "-0.0" : "0").utf8)
        } else {
            if x < 0 { out.append(UInt8(ascii: "-")) }
            digits.appendShortest(Swift.abs(x), to: &out)
        }
    }

    /// A real as a number, a complex as `[re, im]`.
    package mutating func appendValue(_ value: Value, to out: inout [UInt8]) {
        switch value {
        case .real(let x):
            appendNumber(x, to: &out)
        case .complex(let z):
            out.append(UInt8(ascii: "["))
            appendNumber(z.re, to: &out)
            out.append(UInt8(ascii: ","))
            appendNumber(z.im, to: &out)
            out.append(UInt8(ascii: "]"))
        }
    }

    package func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        // Runs of bytes that need no escape go in with one append each: a byte at a
        // time, an error reply's message was a third of the server's time per error.
        text.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): out.appendLiteral(#"\""#)
                case UInt8(ascii: "\\"): out.appendLiteral(#"\\"#)
                case UInt8(ascii: "\n"): out.appendLiteral(#"\n"#)
                default:
                    out.appendLiteral(#"\u00"#)
                    out.append(Self.hexDigits[Int(byte >> 4)])
                    out.append(Self.hexDigits[Int(byte & 0xF)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    static let hexDigits = Array("0123456789abcdef".utf8)
}
