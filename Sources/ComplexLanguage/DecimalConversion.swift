/// Decimal text to the nearest double, fast for the common short literals.
///
/// Used by the lexer and by the JSON wire reader; both have already checked that the
/// text is a decimal literal (`digits [. digits] [e [+-] digits]`, no sign).
package enum DecimalConversion {
    static let powersOfTen: [Double] = (0...22).map { e in
        var p = 1.0
        for _ in 0..<e { p *= 10 }
        return p
    }

    /// The correctly rounded value of `text`.
    package static func value(of text: UnsafeBufferPointer<UInt8>) -> Double {
        // Clinger's fast path: with at most 15 significant digits and a power of ten up
        // to 10^22, both factors are exact doubles and one rounding gives the answer.
        var mantissa: UInt64 = 0
        var significant = 0
        var scale = 0
        var index = 0
        var afterPoint = false
        while index < text.count {
            let c = text[index]
            if c == UInt8(ascii: ".") {
                afterPoint = true
            } else if c &- 0x30 < 10 {
                let d = UInt64(c &- 0x30)
                if significant == 0 && d == 0 {
                    if afterPoint { scale -= 1 }
                } else if significant < 19 {
                    mantissa = mantissa * 10 + d
                    significant += 1
                    if afterPoint { scale -= 1 }
                } else {
                    significant += 1
                    if !afterPoint { scale += 1 }
                }
            } else {
                break  // 'e' or 'E'
            }
            index += 1
        }
        var exponent = 0
        if index < text.count {
            index += 1
            var negative = false
            if index < text.count, text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") {
                negative = text[index] == UInt8(ascii: "-")
                index += 1
            }
            while index < text.count {
                if exponent < 100_000 { exponent = exponent * 10 + Int(text[index] &- 0x30) }
                index += 1
            }
            if negative { exponent = -exponent }
        }
        if mantissa == 0 && significant == 0 { return 0 }
        let power = scale + exponent
        if significant <= 15, power >= -22, power <= 22 {
            let m = Double(mantissa)
            return power >= 0 ? m * powersOfTen[power] : m / powersOfTen[-power]
        }
        // Up to 19 digits (the mantissa is exact): Eisel and Lemire's, which settles
        // all but a rare few; those, and longer texts, go to the C library's strtod.
        // The shortest round-trip digits of an arbitrary double are 16 or 17, so this
        // is how the wire's numbers are read (strtod took a tenth of a pipelined
        // client's time).
        if significant <= 19, let value = eiselLemire(mantissa, power) { return value }
        return Double(String(decoding: text, as: UTF8.self)) ?? .nan
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
