/// The shortest round-trip digits of a double, as Python's repr picks them, by Raffaello
/// Giulietti's Schubfach ("The Schubfach way to render doubles", 2020; the algorithm of
/// Java's `Double.toString` since JDK 19, which this follows step for step): of the
/// decimals that round to x, those with the fewest digits, and of those the closest
/// to x, an even last digit on a tie; the same rule as repr's (David Gay's mode 0).
///
/// Why not Swift's own (`description`): most results of arithmetic need 16 or 17
/// digits, every one of them goes through this on the wire and on the screen, and
/// Swift's took 640 instructions a number through its text stream, against 440 here,
/// laid out straight into the output (callgrind, 85,111 numbers of a pipelined client).
extension DecimalDigits {
    /// Writes `x` (> 0, finite) as repr does at `start` (room for
    /// `maximumShortestLength`): fixed notation from 1e-4 up to 1e16, exponent notation
    /// (`1e+16`, `1.5e-05`) outside, no trailing `.0`. Returns how many bytes it wrote.
    static func writeShortestDecimal(_ x: Double, at start: UnsafeMutablePointer<UInt8>) -> Int {
        var (significand, exponent) = shortestDecimal(x)
        while significand % 10 == 0 {
            significand /= 10
            exponent += 1
        }
        let count = digitCount(significand)
        // x = 0.DIGITS × 10^point.
        let point = exponent + count
        if point <= -4 || point > 16 {
            let rest = count - 1
            var at = 1
            var first = significand
            if rest > 0 {
                first = write(significand, digits: rest, at: start + 2)
                start[1] = UInt8(ascii: ".")
                at = rest + 2
            }
            start[0] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: first)
            let power = point - 1
            start[at] = UInt8(ascii: "e")
            start[at + 1] = power < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+")
            let magnitude = UInt64(power.magnitude)
            // At least two digits, as C's printf writes an exponent.
            let exponentDigits = Swift.max(2, digitCount(magnitude))
            write(magnitude, digits: exponentDigits, at: start + at + 2)
            return at + 2 + exponentDigits
        }
        if point <= 0 {
            start[0] = UInt8(ascii: "0")
            start[1] = UInt8(ascii: ".")
            (start + 2).initialize(repeating: UInt8(ascii: "0"), count: -point)
            write(significand, digits: count, at: start + 2 - point)
            return 2 - point + count
        }
        if point >= count {
            write(significand, digits: count, at: start)
            (start + count).initialize(repeating: UInt8(ascii: "0"), count: point - count)
            return point
        }
        let whole = write(significand, digits: count - point, at: start + point + 1)
        start[point] = UInt8(ascii: ".")
        write(whole, digits: point, at: start)
        return count + 1
    }

    /// The decimal significand × 10^exponent that repr's digits are, possibly with
    /// trailing zeros, for `x` > 0, finite.
    static func shortestDecimal(_ x: Double) -> (significand: UInt64, exponent: Int) {
        let bits = x.bitPattern
        let fraction = bits & (1 << 52 - 1)
        let biasedExponent = Int(truncatingIfNeeded: bits >> 52)
        if biasedExponent != 0 {
            return schubfach(q: biasedExponent - 1075, c: 1 << 52 | fraction)
        }
        // Subnormal. (Java scales a significand below 3 by 10 here, to get the two
        // digits its spec asks for, 4.9e-324; repr writes 5e-324.)
        return schubfach(q: -1074, c: fraction)
    }

    /// Figure 7 of the paper, computed as its figure 9 does, for v = c × 2^q.
    @inline(__always)
    static func schubfach(q: Int, c: UInt64) -> (significand: UInt64, exponent: Int) {
        // An odd c has its rounding interval open (ties go to the even neighbour).
        let open = c & 1
        let cb = c << 2
        let cbr = cb + 2
        let cbl: UInt64
        let k: Int
        if c != 1 << 52 || q == -1074 {
            cbl = cb - 2
            k = (q &* 661_971_961_083) >> 41  // floor(q log10(2))
        } else {
            // A power of two: the interval below is half as wide.
            cbl = cb - 1
            k = (q &* 661_971_961_083 &- 274_743_187_321) >> 41  // floor(q log10(2) + log10(3/4))
        }
        let h = q + ((-k &* 913_124_641_741) >> 38) + 2  // q + floor(-k log2(10)) + 2
        let (g1, g0) = scaledPowerOfTen(-k)
        let vb = roundedProduct(g1, g0, cb << h)
        let vbl = roundedProduct(g1, g0, cbl << h)
        let vbr = roundedProduct(g1, g0, cbr << h)
        let s = vb >> 2
        // Java tries this from s ≥ 100, to keep the two digits its spec asks for; repr
        // wants the fewest, so from 10 (only tiny subnormals have s < 100).
        if s >= 10 {
            // One digit fewer: floor(s / 10) × 10 and the next multiple of 10.
            let sp10 = 10 &* s.multipliedFullWidth(by: 1_844_674_407_370_955_168).high
            let tp10 = sp10 &+ 10
            let upin = vbl &+ open <= sp10 << 2
            let wpin = (tp10 << 2) &+ open <= vbr
            if upin != wpin { return (upin ? sp10 : tp10, k) }
        }
        let t = s &+ 1
        let uin = vbl &+ open <= s << 2
        let win = (t << 2) &+ open <= vbr
        if uin != win { return (uin ? s : t, k) }
        // Both round to x: the closer, the even one on a tie.
        let comparison = Int64(bitPattern: vb &- ((s &+ t) << 1))
        return (comparison < 0 || (comparison == 0 && s & 1 == 0) ? s : t, k)
    }

    /// g = floor(10^e × 2^r) + 1 with r such that 2^125 ≤ 10^e × 2^r < 2^126, as its high
    /// and low 63 bits. The Eisel-Lemire table holds floor(10^e × 2^r') in [2^127, 2^128)
    /// (floor of a floor over 4 is the floor over 4), so one table serves both ways.
    @inline(__always)
    static func scaledPowerOfTen(_ e: Int) -> (UInt64, UInt64) {
        let row = (e - DecimalConversion.tableMinimumExponent) * 2
        let low = DecimalConversion.powersOfTenMantissas[row], high = DecimalConversion.powersOfTenMantissas[row + 1]
        // The 126-bit floor, plus one (a power of ten's bits are never all ones).
        let (gLow, carry) = (high << 62 | low >> 2).addingReportingOverflow(1)
        let gHigh = high >> 2 &+ (carry ? 1 : 0)
        return (gHigh << 1 | gLow >> 63, gLow & (1 << 63 - 1))
    }

    /// The paper's r_o(cp × g × 2^-127): the product rounded to odd.
    @inline(__always)
    static func roundedProduct(_ g1: UInt64, _ g0: UInt64, _ cp: UInt64) -> UInt64 {
        let mask: UInt64 = 1 << 63 - 1
        let x1 = g0.multipliedFullWidth(by: cp).high
        let (y1, y0) = g1.multipliedFullWidth(by: cp)
        let z = (y0 >> 1) &+ x1
        let vbp = y1 &+ (z >> 63)
        return vbp | (((z & mask) &+ mask) >> 63)
    }
}
