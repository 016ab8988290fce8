import Glibc

/// The digits of a positive, finite double laid out as Python lays them out: `repr`'s
/// shortest round-trip digits, or `format(x, '.Ng')`'s rounded ones. Without a sign and
/// without a trailing `.0` (`6`, `3.5`, `1e+16`, `1.5e-05`).
///
/// The wire writes its numbers with `writeShortest` (`ByteCursor`), and the REPL's
/// display with `appendShortest` or `appendRounded` (`ValueFormatter`): how results are
/// shown cannot change the protocol. Shortest digits are Schubfach's
/// (`DecimalDigits+Shortest.swift`), with faster paths for integers and short
/// decimals; rounded ones are the C library's.
package struct DecimalDigits: Sendable {
    /// Scratch for the digits of one rounded number.
    var digits: [UInt8] = []

    package init() {
        digits.reserveCapacity(40)
    }

    /// `repr`'s digits of `magnitude` (> 0, finite).
    package mutating func appendShortest(_ magnitude: Double, to out: inout [UInt8]) {
        out.appendBytes(maximumCount: Self.maximumShortestLength) { Self.writeShortest(magnitude, at: $0) }
    }

    /// The most bytes `writeShortest` writes: 17 digits, a point and `e-308`.
    package static var maximumShortestLength: Int { 24 }

    /// Writes `repr`'s digits of `magnitude` (> 0, finite) at `start`, which has room
    /// for `maximumShortestLength`; returns how many it wrote.
    package static func writeShortest(_ magnitude: Double, at start: UnsafeMutablePointer<UInt8>) -> Int {
        if magnitude < 9_007_199_254_740_992 {
            if magnitude == magnitude.rounded(.towardZero) {
                // Integers below 2^53 print as their exact digits; they are most of what
                // people type, and the wire formats every operand.
                return writeDecimal(UInt64(magnitude), at: start)
            }
            if let count = writeShortDecimal(magnitude, at: start) { return count }
        }
        return writeShortestDecimal(magnitude, at: start)
    }

    /// Writes `value`'s decimal digits at `start` (room for 20); returns how many.
    package static func writeDecimal(_ value: UInt64, at start: UnsafeMutablePointer<UInt8>) -> Int {
        let count = digitCount(value)
        write(value, digits: count, at: start)
        return count
    }

    /// Writes `x` (a non-integer, 1e-4 ≤ x < 2^53) when its shortest round-trip text has
    /// at most 8 digits after the point, as `1.5`, `0.61` or `12.16`: what people type
    /// and what sums of it often are, and what the wire writes for every such operand.
    /// Returns how many bytes it wrote; nil, having written nothing, for any other x
    /// (most results of a multiplication have 17 digits), which then takes the general
    /// algorithm.
    ///
    /// Why what it writes is the shortest text, as `repr` picks it: M = x × 10^8, if that
    /// is an integer, less its trailing zeros, is a candidate m × 10^-k. It is written
    /// only when m / 10^k, one correctly rounded division of two exact doubles (m < 2^53,
    /// k ≤ 22, as in Clinger's fast path), gives x back, so it round-trips; and when
    /// 10^-k exceeds x's ulp, so no other decimal of k places lies in the interval that
    /// rounds to x, which is at most an ulp wide. A shorter text, if there were one,
    /// would have at most k places and so be that same decimal, whose last place m does
    /// not end in 0. Fixed notation is Python's from 1e-4 up (x ≥ 1e-4 and x rounds from
    /// it, so its shortest text is at least 1e-4).
    @inline(__always)
    static func writeShortDecimal(_ x: Double, at start: UnsafeMutablePointer<UInt8>) -> Int? {
        // x < 2^53 / 10^8 keeps M below 2^53, where every integer is a double.
        guard x >= 1e-4, x < 90_071_992.547_409_92 else { return nil }
        let scaled = x * 1e8
        guard scaled == scaled.rounded(.towardZero) else { return nil }
        var m = UInt64(scaled)
        var places = 8
        // Trailing zeros off, four, two, then one at a time (at most 7: with 8, x would
        // be an integer, which the check below refuses as m / 10 ≠ x).
        if m % 10_000 == 0 { m /= 10_000; places -= 4 }
        if m % 100 == 0 { m /= 100; places -= 2 }
        if m % 10 == 0 { m /= 10; places -= 1 }
        let unit = DecimalConversion.powerOfTen(places)
        guard Double(m) / unit == x, x.ulp * unit < 1 else { return nil }
        // The whole part (0 below 1), the point and the k places, the places first.
        let wholeDigits = x < 1 ? 1 : digitCount(m) - places
        let whole = write(m, digits: places, at: start + wholeDigits + 1)
        start[wholeDigits] = UInt8(ascii: ".")
        write(whole, digits: wholeDigits, at: start)
        return wholeDigits + 1 + places
    }

    /// How many decimal digits `value` has (1 for 0).
    @inline(__always)
    static func digitCount(_ value: UInt64) -> Int {
        if value < 10 { return 1 }
        // log10(2) ≈ 1233 / 4096 turns the bit length into the count or one less.
        let estimate = ((64 &- value.leadingZeroBitCount) &* 1233) >> 12
        return estimate &+ (value >= powersOfTen[estimate] ? 1 : 0)
    }

    /// 10^0 … 10^19, and the largest UInt64 standing for 10^20: `digitCount` compares
    /// with one entry past its estimate, which never exceeds 19.
    static let powersOfTen: [UInt64] = [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000,
        10_000_000_000, 100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000,
        1_000_000_000_000_000, 10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
        10_000_000_000_000_000_000, .max,
    ]

    /// Writes the last `digits` decimal digits of `value` at `start`, zeros leading, two
    /// digits per division (by a constant: a multiplication); returns the digits above
    /// them, value / 10^digits, which a layout with a point writes next, so that it
    /// needs no division by a power of ten it knows only at run time.
    @inline(__always) @discardableResult
    static func write(_ value: UInt64, digits: Int, at start: UnsafeMutablePointer<UInt8>) -> UInt64 {
        var remaining = value
        var end = start + digits
        let pairs = digitPairs.utf8Start
        while end - start >= 2 {
            let (quotient, pair) = remaining.quotientAndRemainder(dividingBy: 100)
            end -= 2
            end.initialize(from: pairs + 2 &* Int(truncatingIfNeeded: pair), count: 2)
            remaining = quotient
        }
        if end > start {
            let (quotient, digit) = remaining.quotientAndRemainder(dividingBy: 10)
            start.initialize(to: UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: digit))
            remaining = quotient
        }
        return remaining
    }

    /// "00", "01", … "99" in a row.
    static var digitPairs: StaticString {
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"
    }

    /// `format(magnitude, '.Ng')`'s digits, N = `significantDigits` (magnitude > 0, finite).
    package mutating func appendRounded(_ magnitude: Double, significantDigits precision: Int, to out: inout [UInt8]) {
        let decimalPoint = roundedDigits(magnitude, precision)
        layOut(decimalPoint: decimalPoint, useExponent: decimalPoint - 1 < -4 || decimalPoint - 1 >= precision, to: &out)
    }

    /// Lays out `digits`, whose decimal point is at `decimalPoint`.
    mutating func layOut(decimalPoint: Int, useExponent: Bool, to out: inout [UInt8]) {
        if useExponent {
            out.append(digits[0])
            if digits.count > 1 {
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: digits[1...])
            }
            out.append(UInt8(ascii: "e"))
            var exponent = decimalPoint - 1
            out.append(exponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            exponent = Swift.abs(exponent)
            if exponent < 10 { out.append(UInt8(ascii: "0")) }
            out.appendDecimal(UInt64(exponent))
        } else if decimalPoint <= 0 {
            out.append(UInt8(ascii: "0"))
            out.append(UInt8(ascii: "."))
            for _ in 0 ..< -decimalPoint { out.append(UInt8(ascii: "0")) }
            out.append(contentsOf: digits)
        } else if decimalPoint >= digits.count {
            out.append(contentsOf: digits)
            for _ in 0 ..< decimalPoint - digits.count { out.append(UInt8(ascii: "0")) }
        } else {
            out.append(contentsOf: digits[..<decimalPoint])
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: digits[decimalPoint...])
        }
    }

    /// Fills `digits` with `x` (> 0) rounded to `precision` significant digits (C's
    /// correctly rounded `%.*e`), trailing zeros removed, as Python's `'g'` does.
    mutating func roundedDigits(_ x: Double, _ precision: Int) -> Int {
        var buffer = [CChar](repeating: 0, count: 64)
        let count = withVaList([Int32(max(precision, 1) - 1), x]) { args in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, 64, "%.*e", args) }
        }
        return buffer.withUnsafeBufferPointer { raw in
            raw.withMemoryRebound(to: UInt8.self) { parseDigits(UnsafeBufferPointer(rebasing: $0[..<Int(count)])) }
        }
    }

    /// Reads `[digits][.digits][e±NN]` into `digits` (leading and trailing zeros
    /// dropped) and returns the decimal point position.
    mutating func parseDigits(_ text: UnsafeBufferPointer<UInt8>) -> Int {
        digits.removeAll(keepingCapacity: true)
        var pointPosition: Int? = nil
        var exponent = 0
        var index = 0
        while index < text.count {
            let c = text[index]
            if c == UInt8(ascii: ".") {
                pointPosition = digits.count
            } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                var negative = false
                index += 1
                if index < text.count, text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") {
                    negative = text[index] == UInt8(ascii: "-")
                    index += 1
                }
                while index < text.count {
                    exponent = exponent * 10 + Int(text[index] &- 0x30)
                    index += 1
                }
                if negative { exponent = -exponent }
                break
            } else if c &- 0x30 < 10 {
                digits.append(c)
            }
            index += 1
        }
        var decimalPoint = (pointPosition ?? digits.count) + exponent
        var leading = 0
        while leading < digits.count, digits[leading] == UInt8(ascii: "0") { leading += 1 }
        if leading > 0 {
            digits.removeFirst(leading)
            decimalPoint -= leading
        }
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        return decimalPoint
    }
}
