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

    /// Where the first byte of `line` that is not a blank (space, tab, CR) is.
    @inline(__always)
    static func firstNonBlank(_ line: UnsafeBufferPointer<UInt8>) -> Int {
        var first = 0
        while first < line.count, line[first] == 0x20 || line[first] == 0x09 || line[first] == 0x0D { first += 1 }
        return first
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
        if let common = Self.commonNumber(bytes, at: start) {
            position = common.end
            return Token(common.imaginary ? .imaginary : .number, start, common.end, number: common.value)
        }
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

    /// The number at `start` when it has the common shape — at most 19 digits, with or
    /// without a point, an exponent of at most 3 digits, an imaginary suffix — and is
    /// followed by what may follow a number; nil for any other, which `number` reads in
    /// full (and reports if it is malformed). Pipe mode's literals are read here, in one
    /// pass without the general reader's bookkeeping: 140 instructions a literal of
    /// `scripts/bench-pipe`'s lines, against its 157. The value is the general reader's:
    /// the same mantissa and power of ten to the same conversion.
    @inline(__always)
    static func commonNumber(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> (value: Double, imaginary: Bool, end: Int)? {
        var position = start
        var mantissa: UInt64 = 0
        while position < bytes.count, bytes[position] &- 0x30 < 10 {
            mantissa = mantissa &* 10 &+ UInt64(bytes[position] &- 0x30)
            position += 1
        }
        var digits = position - start
        var power = 0
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            let fraction = position
            while position < bytes.count, bytes[position] &- 0x30 < 10 {
                mantissa = mantissa &* 10 &+ UInt64(bytes[position] &- 0x30)
                position += 1
            }
            digits += position - fraction
            power = fraction - position
        }
        // (Leading zeros count here: a number with them and 19 digits more is the
        // general reader's.)
        guard digits > 0, digits <= 19 else { return nil }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            var at = position + 1
            let negative = at < bytes.count && bytes[at] == UInt8(ascii: "-")
            if at < bytes.count, negative || bytes[at] == UInt8(ascii: "+") { at += 1 }
            let first = at
            var exponent = 0
            while at < bytes.count, bytes[at] &- 0x30 < 10, at - first < 3 {
                exponent = exponent &* 10 &+ Int(bytes[at] &- 0x30)
                at += 1
            }
            guard at > first, at == bytes.count || bytes[at] &- 0x30 >= 10 else { return nil }
            power += negative ? -exponent : exponent
            position = at
        }
        guard let value = DecimalConversion.value(mantissa: mantissa, power: power) else { return nil }
        var imaginary = false
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "j") || bytes[position] | 0x20 == UInt8(ascii: "i") {
            imaginary = true
            position += 1
        }
        if position < bytes.count, isIdentifierContinue(bytes[position]) || bytes[position] == UInt8(ascii: ".") { return nil }
        return (value, imaginary, position)
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
