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
        return Double(String(decoding: text, as: UTF8.self)) ?? .nan
    }
}
