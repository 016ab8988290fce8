/// Splits a line (UTF-8 bytes) into tokens, one at a time.
///
/// Works on raw bytes because pipe mode lexes millions of lines: no `String` is made
/// for a token unless it is a name.
package struct Lexer {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    package init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The next token; `.end` at the end of the line or at a `#` comment.
    package mutating func next() throws(Diagnostic) -> Token {
        while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x09 || bytes[position] == 0x0D {
            position += 1
        }
        let start = position
        guard position < bytes.count else { return Token(.end, start, start) }
        let byte = bytes[position]
        switch byte {
        case UInt8(ascii: "#"):
            position = bytes.count
            return Token(.end, start, start)
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."):
            return try number()
        case UInt8(ascii: "+"): return single(.plus)
        case UInt8(ascii: "-"): return single(.minus)
        case UInt8(ascii: "/"): return single(.slash)
        case UInt8(ascii: "^"): return single(.power)
        case UInt8(ascii: "("): return single(.leftParen)
        case UInt8(ascii: ")"): return single(.rightParen)
        case UInt8(ascii: ","): return single(.comma)
        case UInt8(ascii: "="): return single(.equals)
        case UInt8(ascii: "*"):
            if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "*") {
                position += 2
                return Token(.power, start, position)
            }
            return single(.star)
        default:
            if Self.isIdentifierStart(byte) {
                position += 1
                while position < bytes.count, Self.isIdentifierContinue(bytes[position]) { position += 1 }
                return Token(.identifier, start, position)
            }
            throw Diagnostic(Self.describeUnexpected(bytes, at: start), at: start)
        }
    }

    @inline(__always)
    mutating func single(_ kind: Token.Kind) -> Token {
        position += 1
        return Token(kind, position - 1, position)
    }

    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

    @inline(__always)
    static func isIdentifierStart(_ b: UInt8) -> Bool {
        (b | 0x20) &- UInt8(ascii: "a") < 26 || b == UInt8(ascii: "_")
    }

    @inline(__always)
    static func isIdentifierContinue(_ b: UInt8) -> Bool { isIdentifierStart(b) || isDigit(b) }

    /// `digits [. digits] [e [+-] digits] [j|J|i|I]`, or starting with `.`.
    mutating func number() throws(Diagnostic) -> Token {
        let start = position
        var digits = DecimalConversion.Accumulator()
        position = digits.integerDigits(bytes, from: position)
        var sawDigit = position > start
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            let fraction = position + 1
            position = digits.fractionDigits(bytes, from: fraction)
            sawDigit = sawDigit || position > fraction
        }
        guard sawDigit else {
            throw Diagnostic("unexpected '.': a number needs a digit before or after the point", at: start)
        }
        var exponent = 0
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            var p = position + 1
            var negative = false
            if p < bytes.count, bytes[p] == UInt8(ascii: "+") || bytes[p] == UInt8(ascii: "-") {
                negative = bytes[p] == UInt8(ascii: "-")
                p += 1
            }
            guard p < bytes.count, Self.isDigit(bytes[p]) else {
                throw Diagnostic(
                    "malformed number: the exponent after 'e' has no digits (write 1e3, or 2*e for the constant)",
                    at: start)
            }
            while p < bytes.count, Self.isDigit(bytes[p]) {
                exponent = DecimalConversion.exponentStep(exponent, bytes[p] &- 0x30)
                p += 1
            }
            if negative { exponent = -exponent }
            position = p
        }
        let end = position
        let value = digits.value(exponent: exponent, text: UnsafeBufferPointer(rebasing: self.bytes[start..<end]))
        var kind = Token.Kind.number
        if position < bytes.count {
            let b = bytes[position] | 0x20
            if b == UInt8(ascii: "j") || b == UInt8(ascii: "i") {
                kind = .imaginary
                position += 1
            }
        }
        if position < bytes.count, Self.isIdentifierContinue(bytes[position]) || bytes[position] == UInt8(ascii: ".") {
            throw Diagnostic(
                "malformed number: '\(String(decoding: bytes[start...position], as: UTF8.self))' (there is no implicit multiplication: write 2*x)",
                at: start)
        }
        return Token(kind, start, position, number: value)
    }

    static func describeUnexpected(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> String {
        let b = bytes[offset]
        if b == 0 { return "unexpected NUL byte" }
        if b < 0x20 || b == 0x7F {
            return "unexpected control character 0x\(String(b, radix: 16, uppercase: true))"
        }
        if b < 0x80 {
            return "unexpected character '\(Character(Unicode.Scalar(b)))'"
        }
        // Decode one scalar to name it, or report the invalid byte.
        var iterator = bytes[offset...].makeIterator()
        var decoder = UTF8()
        if case .scalarValue(let scalar) = decoder.decode(&iterator) {
            return "unexpected character '\(Character(scalar))' (U+\(String(scalar.value, radix: 16, uppercase: true))): expressions use ASCII only"
        }
        return "invalid UTF-8 byte 0x\(String(b, radix: 16, uppercase: true))"
    }
}
