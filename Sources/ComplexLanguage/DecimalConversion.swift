/// Decimal text to the nearest double, fast for the common short literals.
///
/// Used by the lexer and by the JSON wire reader; both have already checked that the
/// text is a decimal literal (`digits [. digits] [e [+-] digits]`, no sign).
package enum DecimalConversion {
    /// The digits of a decimal literal as a scanner meets them, gathered for
    /// `DecimalConversion`: the lexer and the JSON reader check their own grammars and
    /// feed each digit here as they pass it, so a number's text is read once.
    package struct Accumulator {
        /// The first 19 significant digits (all of them fit in 64 bits).
        var mantissa: UInt64 = 0
        /// Significant digits seen, including those past the 19th.
        var significant = 0
        /// The power of ten that `mantissa` is to be scaled by, before any exponent.
        var scale = 0

        @inlinable package init() {}

        // Inlinable: the wire's reader, in another module, calls these for every digit.

        /// Takes the run of digits at `index` as digits before the point; returns the
        /// index after it. (A run at a time: a call per digit across modules cost the
        /// wire's reader a tenth of its instructions.)
        package mutating func integerDigits(_ text: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
            var index = index
            while index < text.count, text[index] &- 0x30 < 10 {
                integerDigit(text[index] &- 0x30)
                index += 1
            }
            return index
        }

        /// Takes the run of digits at `index` as digits after the point; returns the
        /// index after it. Zeros before the first significant digit are skipped, then
        /// digits are taken eight at a time while the mantissa has room, then the rest
        /// one at a time: most numbers the wire reads have 15 or 16 places.
        package mutating func fractionDigits(_ text: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
            var index = index
            if significant == 0 {
                while index < text.count, text[index] == UInt8(ascii: "0") {
                    scale -= 1
                    index += 1
                }
            }
            while significant <= 11, let eight = Self.eightDigits(text, at: index) {
                mantissa = mantissa &* 100_000_000 &+ eight
                // All eight count: the first is not a leading zero (skipped above, or
                // digits came before it).
                significant += 8
                scale -= 8
                index += 8
            }
            while index < text.count, text[index] &- 0x30 < 10 {
                fractionDigit(text[index] &- 0x30)
                index += 1
            }
            return index
        }

        /// The value of the eight bytes at `index` when all are digits, else nil: a
        /// 17-digit number's digits in three steps rather than seventeen (the wire
        /// reads one or more in most replies). Lemire's tests and arithmetic, as in
        /// simdjson and fast_float.
        @inline(__always)
        static func eightDigits(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt64? {
            guard index &+ 8 <= text.count else { return nil }
            let word = UInt64(littleEndian: UnsafeRawPointer(text.baseAddress! + index).loadUnaligned(as: UInt64.self))
            // Each byte is 0x30…0x39: its high nibble is 3, and stays 3 with 6 added.
            let highNibbles: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
            guard (word & highNibbles) | (((word &+ 0x0606_0606_0606_0606) & highNibbles) >> 4) == 0x3333_3333_3333_3333 else {
                return nil
            }
            // Pairs of digits, then fours, then the eight (the first byte is the first digit).
            var value = ((word & 0x0F0F_0F0F_0F0F_0F0F) &* 2561) >> 8
            value = ((value & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
            return ((value & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
        }

        /// A digit before the decimal point.
        @inlinable @inline(__always) package mutating func integerDigit(_ digit: UInt8) {
            if significant < 19 {
                if significant != 0 || digit != 0 {
                    mantissa = mantissa &* 10 &+ UInt64(digit)
                    significant += 1
                }
            } else {
                significant += 1
                scale += 1
            }
        }

        /// A digit after the decimal point.
        @inline(__always) mutating func fractionDigit(_ digit: UInt8) {
            if significant < 19 {
                if significant != 0 || digit != 0 {
                    mantissa = mantissa &* 10 &+ UInt64(digit)
                    significant += 1
                }
                scale -= 1
            } else {
                significant += 1
            }
        }

        /// The correctly rounded value of the digits times 10^`exponent`; `text` is the
        /// literal (digits, point and exponent, no sign), read again only in the rare
        /// case that needs the C library.
        package func value(exponent: Int, text: @autoclosure () -> UnsafeBufferPointer<UInt8>) -> Double {
            // Up to 19 digits the mantissa is exact; longer texts, and the rare few the
            // fast methods cannot settle, go to the C library's strtod (which took a
            // tenth of a pipelined client's time when it read every number).
            if significant <= 19, let value = DecimalConversion.value(mantissa: mantissa, power: scale + exponent) { return value }
            return Double(String(decoding: text(), as: UTF8.self)) ?? .nan
        }
    }

    /// 10^0 … 10^22, each exact in a double. An array literal, which the compiler lays
    /// out statically: built by a closure, it cost a `swift_once` check at every use.
    static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// 10^`exponent`, exactly, for 0 ≤ `exponent` ≤ 22.
    @inline(__always) package static func powerOfTen(_ exponent: Int) -> Double { exactPowersOfTen[exponent] }

    /// The correctly rounded value of `text`: `digits [. digits] [e [+-] digits]`, no
    /// sign, its grammar already checked by the caller.
    package static func value(of text: UnsafeBufferPointer<UInt8>) -> Double {
        var digits = Accumulator()
        var index = digits.integerDigits(text, from: 0)
        if index < text.count, text[index] == UInt8(ascii: ".") {
            index = digits.fractionDigits(text, from: index + 1)
        }
        var exponent = 0
        if index < text.count {
            index += 1  // 'e' or 'E'
            var negative = false
            if index < text.count, text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") {
                negative = text[index] == UInt8(ascii: "-")
                index += 1
            }
            while index < text.count {
                exponent = exponentStep(exponent, text[index] &- 0x30)
                index += 1
            }
            if negative { exponent = -exponent }
        }
        return digits.value(exponent: exponent, text: text)
    }

    /// The double nearest `mantissa` × 10^`power`, for a mantissa read exactly (at
    /// most 19 digits); nil in the rare case that needs the C library (then the caller
    /// reads the text its own way).
    package static func value(mantissa: UInt64, power: Int) -> Double? {
        if mantissa == 0 { return 0 }
        // Clinger's fast path: a mantissa up to 2^53 and a power of ten up to 10^22 are
        // both exact doubles, and one rounding gives the answer. Then Eisel and
        // Lemire's, which settles all but a rare few: the shortest round-trip digits of
        // an arbitrary double are 16 or 17, so this is how the wire's numbers are read.
        if mantissa <= 1 << 53, power >= -22, power <= 22 {
            let m = Double(mantissa)
            return power >= 0 ? m * powerOfTen(power) : m / powerOfTen(-power)
        }
        return eiselLemire(mantissa, power)
    }

    /// `exponent` with one more decimal digit, held at 100,000 once past it: far beyond
    /// any double's range, and no overflow however many digits an exponent has.
    @inline(__always) package static func exponentStep(_ exponent: Int, _ digit: UInt8) -> Int {
        exponent < 100_000 ? exponent &* 10 &+ Int(digit) : exponent
    }

    /// The double nearest `mantissa` × 10^`exponent10`, or nil when 128 bits of the
    /// power of ten cannot tell (then the caller asks strtod). Daniel Lemire, "Number
    /// Parsing at a Gigabyte per Second" (2021), as Go's strconv implements it.
    static func eiselLemire(_ mantissa: UInt64, _ exponent10: Int) -> Double? {
        guard mantissa != 0 else { return 0 }
        guard exponent10 >= tableMinimumExponent, exponent10 <= tableMaximumExponent else { return nil }
        let leadingZeros = mantissa.leadingZeroBitCount
        let man = mantissa << leadingZeros
        // floor(exponent10 × log2(10)) + 64 + the bias, less the normalising shift.
        var exponent2 = UInt64(bitPattern: Int64((217_706 &* exponent10) >> 16 &+ 64 &+ 1023)) &- UInt64(leadingZeros)
        let row = (exponent10 - tableMinimumExponent) * 2
        var (high, low) = man.multipliedFullWidth(by: powersOfTenMantissas[row + 1])
        if high & 0x1FF == 0x1FF && low &+ man < man {
            // The low 64 bits of the power could carry into the 54 we keep: add them.
            let (nextHigh, nextLow) = man.multipliedFullWidth(by: powersOfTenMantissas[row])
            var mergedHigh = high
            let mergedLow = low &+ nextHigh
            if mergedLow < low { mergedHigh &+= 1 }
            if mergedHigh & 0x1FF == 0x1FF && mergedLow &+ 1 == 0 && nextLow &+ man < man { return nil }
            high = mergedHigh
            low = mergedLow
        }
        let top = high >> 63
        var bits = high >> (top + 9)
        exponent2 &-= 1 ^ top
        // Exactly half-way between two doubles, as far as these bits tell.
        if low == 0 && high & 0x1FF == 0 && bits & 3 == 1 { return nil }
        bits &+= bits & 1
        bits >>= 1
        if bits >> 53 > 0 {
            bits >>= 1
            exponent2 &+= 1
        }
        // Subnormal, infinite or out of range: strtod's to settle.
        if exponent2 &- 1 >= 0x7FF - 1 { return nil }
        return Double(bitPattern: exponent2 << 52 | bits & 0x000F_FFFF_FFFF_FFFF)
    }
}
