import ComplexLanguage
import Glibc

/// A small, strict JSON reader over bytes, for the few shapes the wire uses: objects
/// whose values are numbers, `[re, im]` pairs, strings, or anything else (skipped).
///
/// Written for the server's hot path: no allocation except for strings.
struct JSONReader {
    /// Nesting deeper than this in skipped values is refused, so hostile input cannot
    /// exhaust the stack.
    static let maximumDepth = 64

    /// Python's bare spellings of the non-finite numbers.
    static let bareNonFinite: [(String, Double)] = [("Infinity", .infinity), ("-Infinity", -.infinity), ("NaN", .nan)]

    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    /// Numbers only as complex-server writes them: finite JSON numbers, and the
    /// non-finite ones as the strings "inf", "-inf" and "nan". What a client reads
    /// replies with; a server is lenient in what it accepts (docs/PROTOCOL.md).
    let strict: Bool

    init(_ bytes: UnsafeBufferPointer<UInt8>, strict: Bool = false) {
        self.bytes = bytes
        self.strict = strict
    }

    /// `what` was expected here: "… at byte 0, found 'x'". Written as bytes and made a
    /// String once: through string interpolation it cost an error reply as much as the
    /// rest of it (callgrind), and garbage is what a flood sends.
    func failure(_ what: String) -> WireError {
        var text: [UInt8] = []
        text.reserveCapacity(what.utf8.count + 40)
        text.append(contentsOf: what.utf8)
        if index >= bytes.count {
            text.appendLiteral(", found the end of the input")
        } else {
            text.appendLiteral(" at byte ")
            text.appendDecimal(UInt64(index))
            let c = bytes[index]
            if c >= 0x20 && c < 0x7F {
                text.appendLiteral(", found '")
                text.append(c)
                text.append(UInt8(ascii: "'"))
            } else {
                text.appendLiteral(", found byte 0x")
                text.append(JSONWriter.hexDigits[Int(c >> 4)])
                text.append(JSONWriter.hexDigits[Int(c & 0xF)])
            }
        }
        return .badJSON(String(decoding: text, as: UTF8.self))
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func peek() -> UInt8? {
        skipWhitespace()
        return index < bytes.count ? bytes[index] : nil
    }

    mutating func consume(_ c: UInt8, _ what: String) throws(WireError) {
        guard peek() == c else { throw failure("expected \(what)") }
        index += 1
    }

    /// After the top-level value: only whitespace may follow.
    mutating func expectEnd() throws(WireError) {
        if peek() != nil { throw failure("expected the end of the JSON value") }
    }

    /// Calls `body` with each key of an object; `body` must read or skip the value.
    mutating func readObject(_ body: (inout JSONReader, JSONText) throws(WireError) -> Void) throws(WireError) {
        try consume(UInt8(ascii: "{"), "'{' (a JSON object)")
        if peek() == UInt8(ascii: "}") { index += 1; return }
        while true {
            guard peek() == UInt8(ascii: "\"") else { throw failure("expected a string key") }
            let key = try readText()
            try consume(UInt8(ascii: ":"), "':'")
            try body(&self, key)
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return
            default: throw failure("expected ',' or '}'")
            }
        }
    }

    /// A string, as its bytes when they are plain ASCII without escapes, else decoded.
    mutating func readText() throws(WireError) -> JSONText {
        try consume(UInt8(ascii: "\""), "'\"'")
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\"),
              bytes[index] >= 0x20, bytes[index] < 0x80 {
            index += 1
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
            index += 1
            return JSONText(bytes: UnsafeBufferPointer(rebasing: bytes[start..<index - 1]), decoded: nil)
        }
        index = start - 1
        return JSONText(bytes: UnsafeBufferPointer(start: nil, count: 0), decoded: try readString())
    }

    mutating func readString() throws(WireError) -> String {
        try consume(UInt8(ascii: "\""), "'\"'")
        let start = index
        // Fast path: no escapes.
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\"), bytes[index] >= 0x20 {
            index += 1
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
            defer { index += 1 }
            return try validUTF8(start..<index)
        }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: try validUTF8(start..<index).unicodeScalars)
        while true {
            guard index < bytes.count else { throw failure("unterminated string") }
            let c = bytes[index]
            if c == UInt8(ascii: "\"") { index += 1; return String(scalars) }
            if c < 0x20 { throw failure("control character in a string") }
            if c != UInt8(ascii: "\\") {
                let runStart = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\"), bytes[index] >= 0x20 {
                    index += 1
                }
                scalars.append(contentsOf: try validUTF8(runStart..<index).unicodeScalars)
                continue
            }
            index += 1
            guard index < bytes.count else { throw failure("unterminated escape") }
            let e = bytes[index]
            index += 1
            switch e {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var code = try readHex4()
                if (0xD800..<0xDC00).contains(code) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw failure("unpaired surrogate in \\u escape")
                    }
                    index += 2
                    let low = try readHex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired surrogate in \\u escape") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { throw failure("invalid \\u escape") }
                scalars.append(scalar)
            default:
                index -= 1
                throw failure("invalid escape")
            }
        }
    }

    mutating func readHex4() throws(WireError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("incomplete \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[index] | 0x20
            let digit: UInt8
            if c &- 0x30 < 10 { digit = c &- 0x30 } else if c &- 0x61 < 6 { digit = c &- 0x61 + 10 } else {
                throw failure("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    func validUTF8(_ range: Range<Int>) throws(WireError) -> String {
        let text = UnsafeBufferPointer(rebasing: bytes[range])
        // ASCII (every key and spelling the wire defines) is UTF-8 as it stands, and the
        // generic validator below costs more than the rest of a request's decoding.
        if text.allSatisfy({ $0 < 0x80 }) { return String(decoding: text, as: UTF8.self) }
        guard let text = String(validating: text, as: UTF8.self) else {
            throw .badJSON("invalid UTF-8 in a string at byte \(range.lowerBound)")
        }
        return text
    }

    /// A JSON number, or one of the non-finite spellings: the strings "inf", "-inf",
    /// "nan" (also "Infinity", "-Infinity", "NaN"), or Python's bare `Infinity`,
    /// `-Infinity`, `NaN`.
    mutating func readNumber() throws(WireError) -> Double {
        guard let c = peek() else { throw failure("expected a number") }
        if c == UInt8(ascii: "\"") {
            let text = try readString()
            if strict {
                switch text {
                case "inf": return .infinity
                case "-inf": return -.infinity
                case "nan": return .nan
                default: throw .badJSON("\"\(text)\" is not a number as the protocol writes one (\"inf\", \"-inf\", \"nan\")")
                }
            }
            switch text {
            case "inf", "+inf", "Infinity", "infinity": return .infinity
            case "-inf", "-Infinity", "-infinity": return -.infinity
            case "nan", "NaN", "-nan": return .nan
            default: throw .badArguments("\"\(text)\" is not a number (non-finite values are \"inf\", \"-inf\", \"nan\")")
            }
        }
        if !strict && (c == UInt8(ascii: "I") || c == UInt8(ascii: "N") || c == UInt8(ascii: "-")) {
            for (word, value) in Self.bareNonFinite where hasPrefix(word) {
                index += word.utf8.count
                return value
            }
        }
        let negative = c == UInt8(ascii: "-")
        if negative { index += 1 }
        let start = index
        let magnitude = try readDigits()
        if strict && magnitude.isInfinite {
            // 1e999: the server writes an infinity as "inf", never as a number that overflows.
            throw .badJSON("the number at byte \(start) is too large for a double")
        }
        return negative ? -magnitude : magnitude
    }

    /// A JSON number's text, read over: `-`, then the digits, fraction and exponent of
    /// JSON's grammar (its value, found on the way, is dropped).
    mutating func skipNumber() throws(WireError) {
        if peek() == UInt8(ascii: "-") { index += 1 }
        _ = try readDigits()
    }

    /// A number after its sign, in JSON's grammar (0 | [1-9][0-9]*, then an optional
    /// fraction and exponent), and its correctly rounded value: eight bytes at a time
    /// when it can (`readDigitsByRuns`), else byte by byte (`readDigitsByByte`), which
    /// reads any number and says what is wrong with one that is not.
    @inline(__always)
    mutating func readDigits() throws(WireError) -> Double {
        if let value = readDigitsByRuns() { return value }
        return try readDigitsByByte()
    }

    /// `readDigits` for a number of at most 19 digits (the wire's have 15 to 17), read
    /// eight bytes at a time; nil, having read nothing, for anything else, malformed
    /// numbers included, and for the few values `DecimalConversion.value(mantissa:power:)`
    /// leaves to strtod. Reading the digits one at a time was a third of what a
    /// pipelining client spent on a reply.
    mutating func readDigitsByRuns() -> Double? {
        var at = index
        var run = Self.digitRun(bytes, at: at)
        guard run.count > 0 else { return nil }
        // A leading 0 stands alone in JSON.
        if bytes[at] == UInt8(ascii: "0") && run.count > 1 { return nil }
        var mantissa = run.value
        var digits = run.count
        at += run.count
        while run.count == 8 {
            run = Self.digitRun(bytes, at: at)
            guard digits + run.count <= 19 else { return nil }
            mantissa = mantissa &* Self.runScales[run.count] &+ run.value
            digits += run.count
            at += run.count
        }
        var power = 0
        if at < bytes.count && bytes[at] == UInt8(ascii: ".") {
            at += 1
            let fractionStart = at
            repeat {
                run = Self.digitRun(bytes, at: at)
                guard digits + run.count <= 19 else { return nil }
                mantissa = mantissa &* Self.runScales[run.count] &+ run.value
                digits += run.count
                power -= run.count
                at += run.count
            } while run.count == 8
            guard at > fractionStart else { return nil }
        }
        if at < bytes.count && bytes[at] | 0x20 == UInt8(ascii: "e") {
            at += 1
            var negative = false
            if at < bytes.count && (bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-")) {
                negative = bytes[at] == UInt8(ascii: "-")
                at += 1
            }
            var exponent = 0
            let exponentStart = at
            while at < bytes.count && bytes[at] &- 0x30 < 10 && at - exponentStart < 4 {
                exponent = exponent &* 10 &+ Int(bytes[at] &- 0x30)
                at += 1
            }
            guard at > exponentStart, at == bytes.count || bytes[at] &- 0x30 >= 10 else { return nil }
            power += negative ? -exponent : exponent
        }
        guard let value = DecimalConversion.value(mantissa: mantissa, power: power) else { return nil }
        index = at
        return value
    }

    /// 10^0 … 10^8: what a mantissa is multiplied by to make room for a run of digits.
    static let runScales: [UInt64] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000]

    /// The digits at `index`, up to eight, found and read from one 8-byte load with no
    /// branch per digit: how many, and their value. Near the end of the text the bytes
    /// left are copied into the word first, never read past; the rest of it is zeros,
    /// which are not digits.
    ///
    /// Each byte xor 0x30 is its digit when it is one, and 10 or more otherwise; a
    /// non-digit is a byte whose high bit is set after adding 0x76, or before (a carry
    /// out of it can only change the bytes after it, which do not count). The digits are
    /// shifted to the top of the word, so the bytes below them read as leading zeros,
    /// and combined in three steps (pairs, fours, the eight), as in Lemire's simdjson
    /// and fast_float.
    @inline(__always)
    static func digitRun(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (count: Int, value: UInt64) {
        var word: UInt64 = 0
        if index &+ 8 <= bytes.count {
            word = UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self))
        } else if index < bytes.count {
            withUnsafeMutableBytes(of: &word) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[index...])) }
            word = UInt64(littleEndian: word)
        }
        let digits = word ^ 0x3030_3030_3030_3030
        let nonDigits = ((digits &+ 0x7676_7676_7676_7676) | digits) & 0x8080_8080_8080_8080
        let count = nonDigits.trailingZeroBitCount >> 3  // 8 when all are digits
        guard count > 0 else { return (0, 0) }
        var value = ((digits << UInt64(64 &- 8 &* count)) &* 2561) >> 8
        value = ((value & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
        value = ((value & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
        return (count, value)
    }

    /// `readDigits` a byte at a time: one pass over the text, which `DecimalConversion`
    /// is handed digit by digit.
    mutating func readDigitsByByte() throws(WireError) -> Double {
        let start = index
        var digits = DecimalConversion.Accumulator()
        guard index < bytes.count, bytes[index] &- 0x30 < 10 else { throw failure("expected a number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            index = digits.integerDigits(bytes, from: index)
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, bytes[index] &- 0x30 < 10 else { throw failure("expected a digit after '.'") }
            index = digits.fractionDigits(bytes, from: index)
        }
        var exponent = 0
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            var negative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                negative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            guard index < bytes.count, bytes[index] &- 0x30 < 10 else { throw failure("expected exponent digits") }
            while index < bytes.count, bytes[index] &- 0x30 < 10 {
                exponent = DecimalConversion.exponentStep(exponent, bytes[index] &- 0x30)
                index += 1
            }
            if negative { exponent = -exponent }
        }
        let end = index
        return digits.value(exponent: exponent, text: UnsafeBufferPointer(rebasing: bytes[start..<end]))
    }

    func hasPrefix(_ word: String) -> Bool {
        let utf8 = word.utf8
        guard index + utf8.count <= bytes.count else { return false }
        return zip(bytes[index...], utf8).allSatisfy { $0 == $1 }
    }

    /// An operand: a number (real) or `[re, im]` (complex).
    mutating func readOperand(_ name: String) throws(WireError) -> Value {
        if peek() == UInt8(ascii: "[") {
            index += 1
            let re = try readNumber()
            guard peek() == UInt8(ascii: ",") else {
                throw .badArguments("\"\(name)\" must be a number or a pair [re, im]")
            }
            index += 1
            let im = try readNumber()
            guard peek() == UInt8(ascii: "]") else {
                throw .badArguments("\"\(name)\" must be a number or a pair [re, im]")
            }
            index += 1
            return .complex(ComplexNumber(re, im))
        }
        switch peek() {
        case UInt8(ascii: "-"), UInt8(ascii: "\""), UInt8(ascii: "I"), UInt8(ascii: "N"):
            return .real(try readNumber())
        case let c? where c &- 0x30 < 10:
            return .real(try readNumber())
        default:
            if index < bytes.count, [UInt8(ascii: "{"), UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n")].contains(bytes[index]) {
                try skipValue()
                throw .badArguments("\"\(name)\" must be a number or a pair [re, im]")
            }
            throw failure("expected a number or a pair [re, im] for \"\(name)\"")
        }
    }

    /// Consumes `literal` when the input continues with exactly its bytes.
    @inline(__always)
    mutating func skip(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count,
              memcmp(literal.utf8Start, bytes.baseAddress! + index, count) == 0 else { return false }
        index += count
        return true
    }

    /// A finite number as `JSONWriter` writes one (`-`, then JSON's digits), with no
    /// space around it; nil for anything else, from where the reader then is nothing
    /// may be read.
    @inline(__always)
    mutating func readPlainNumber() -> Double? {
        let negative = index < bytes.count && bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard let magnitude = try? readDigits(), magnitude.isFinite else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// An operand as `JSONWriter` writes a finite one: a number or `[re,im]`, with no
    /// space; nil for anything else (then nothing more may be read).
    @inline(__always)
    mutating func readPlainOperand() -> Value? {
        guard index < bytes.count else { return nil }
        guard bytes[index] == UInt8(ascii: "[") else { return readPlainNumber().map(Value.real) }
        index += 1
        guard let re = readPlainNumber(), skip(","), let im = readPlainNumber(), skip("]") else { return nil }
        return .complex(ComplexNumber(re, im))
    }

    /// A request's `id`: a JSON number or string of at most `maximumLength` bytes as
    /// written; where it is in the input.
    mutating func readID(maximumLength: Int) throws(WireError) -> Range<Int> {
        guard let c = peek(), c == UInt8(ascii: "\"") || c == UInt8(ascii: "-") || c &- 0x30 < 10 else {
            try skipValue()
            throw .badArguments("\"id\" must be a number or a string")
        }
        let start = index
        if c == UInt8(ascii: "\"") { _ = try readString() } else { try skipNumber() }
        guard index - start <= maximumLength else {
            throw .badArguments("\"id\" is \(index - start) bytes long; at most \(maximumLength)")
        }
        return start..<index
    }

    /// Skips any JSON value.
    mutating func skipValue(depth: Int = 0) throws(WireError) {
        guard depth < Self.maximumDepth else { throw .badJSON("JSON nested deeper than \(Self.maximumDepth) levels") }
        switch peek() {
        case UInt8(ascii: "{"):
            try readObject { (reader: inout JSONReader, _: JSONText) throws(WireError) in try reader.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            index += 1
            if peek() == UInt8(ascii: "]") { index += 1; return }
            while true {
                try skipValue(depth: depth + 1)
                switch peek() {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"): index += 1; return
                default: throw failure("expected ',' or ']'")
                }
            }
        case UInt8(ascii: "\""):
            _ = try readString()
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            for word in ["true", "false", "null"] where hasPrefix(word) {
                index += word.utf8.count
                return
            }
            throw failure("expected a JSON value")
        default:
            _ = try readNumber()
        }
    }
}
