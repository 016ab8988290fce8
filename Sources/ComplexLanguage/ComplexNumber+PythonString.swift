extension ComplexNumber {
    /// Why a string is not a complex number as Python's `complex(str)` reads it.
    public struct MalformedString: Error, Sendable, Equatable, CustomStringConvertible {
        /// The text that was given.
        public var text: String

        public var description: String {
            "'\(text)' is not a complex number as Python's complex() reads it (e.g. 1+3j, -5j, (1-2j), 1e3, inf, nanj)"
        }
    }

    /// Reads `text` as Python's `complex(str)` does (CPython's
    /// `complex_from_string_inner`): `1+3j`, `-5j`, `(1-2j)`, `1e3`, `inf`, `-nanj`, `j`,
    /// with optional surrounding blanks and parentheses, and underscores between
    /// digits. A value, not arithmetic: `1+3j` is read as one number, and `-5j` has a
    /// real part of +0.0, as in Python.
    public init(pythonString text: String) throws(MalformedString) {
        guard let bytes = Self.removingUnderscores(Array(text.utf8)),
              let value = Self.parse(bytes) else {
            throw MalformedString(text: text)
        }
        self = value
    }

    static func parse(_ s: [UInt8]) -> ComplexNumber? {
        var i = 0
        func skipSpaces() { while i < s.count, isSpace(s[i]) { i += 1 } }
        func isJ() -> Bool { i < s.count && (s[i] == UInt8(ascii: "j") || s[i] == UInt8(ascii: "J")) }
        func isSign() -> Bool { i < s.count && (s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-")) }

        skipSpaces()
        var bracket = false
        if i < s.count, s[i] == UInt8(ascii: "(") {
            bracket = true
            i += 1
            skipSpaces()
        }
        var x = 0.0, y = 0.0
        if let (z, end) = float(s, from: i) {
            i = end
            if isSign() {
                // <float><signed-float>j | <float><sign>j
                x = z
                if let (w, end) = float(s, from: i) {
                    y = w
                    i = end
                } else {
                    y = s[i] == UInt8(ascii: "+") ? 1 : -1
                    i += 1
                }
                guard isJ() else { return nil }
                i += 1
            } else if isJ() {
                y = z
                i += 1
            } else {
                x = z
            }
        } else {
            // <sign>j | j
            if isSign() {
                y = s[i] == UInt8(ascii: "+") ? 1 : -1
                i += 1
            } else {
                y = 1
            }
            guard isJ() else { return nil }
            i += 1
        }
        skipSpaces()
        if bracket {
            guard i < s.count, s[i] == UInt8(ascii: ")") else { return nil }
            i += 1
            skipSpaces()
        }
        return i == s.count ? ComplexNumber(x, y) : nil
    }

    /// `PyOS_string_to_double` on a prefix: a decimal number or inf/infinity/nan, each
    /// with an optional sign; nil when none starts at `start`.
    static func float(_ s: [UInt8], from start: Int) -> (Double, Int)? {
        var i = start
        if i < s.count, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") { i += 1 }
        for word in ["infinity", "inf", "nan"] {
            let letters = Array(word.utf8)
            if i + letters.count <= s.count,
               zip(s[i..<i + letters.count], letters).allSatisfy({ $0 | 0x20 == $1 }) {
                let negative = s[start] == UInt8(ascii: "-")
                let value: Double = word == "nan" ? .nan : .infinity
                return (negative ? -value : value, i + letters.count)
            }
        }
        var digits = 0
        while i < s.count, isDigit(s[i]) { i += 1; digits += 1 }
        if i < s.count, s[i] == UInt8(ascii: ".") {
            i += 1
            while i < s.count, isDigit(s[i]) { i += 1; digits += 1 }
        }
        guard digits > 0 else { return nil }
        if i < s.count, s[i] | 0x20 == UInt8(ascii: "e") {
            var j = i + 1
            if j < s.count, s[j] == UInt8(ascii: "+") || s[j] == UInt8(ascii: "-") { j += 1 }
            let exponentStart = j
            while j < s.count, isDigit(s[j]) { j += 1 }
            if j > exponentStart { i = j }  // else "1e" is the number 1 followed by "e"
        }
        guard let value = Double(String(decoding: s[start..<i], as: UTF8.self)) else { return nil }
        return (value, i)
    }

    /// `_Py_string_to_number_with_underscores`: an underscore is allowed only between
    /// two digits, and is dropped; nil for any other underscore.
    static func removingUnderscores(_ s: [UInt8]) -> [UInt8]? {
        guard s.contains(UInt8(ascii: "_")) else { return s }
        var out: [UInt8] = []
        for (index, byte) in s.enumerated() {
            if byte == UInt8(ascii: "_") {
                guard index > 0, index + 1 < s.count, isDigit(s[index - 1]), isDigit(s[index + 1]) else { return nil }
                continue
            }
            out.append(byte)
        }
        return out
    }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
    /// Python's `Py_ISSPACE`: space, \t, \n, \v, \f, \r.
    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
}
