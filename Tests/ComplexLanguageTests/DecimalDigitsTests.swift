import Testing
import TestSupport
@testable import ComplexLanguage

/// `DecimalDigits`' shortest digits (Schubfach, and the short-decimal path for `1.5`,
/// `0.61`) against an independent algorithm: Swift's own shortest round-trip digits
/// (`description`), laid out as Python's repr, which the oracle tests hold to CPython.
/// The same bytes for every double.
@Suite struct DecimalDigitsTests {
    /// What the reference algorithm writes for `x` (> 0, finite).
    func general(_ x: Double) -> [UInt8] {
        var digits = DecimalDigits()
        let point = Array(x.description.utf8).withUnsafeBufferPointer { digits.parseDigits($0) }
        var out: [UInt8] = []
        digits.layOut(decimalPoint: point, useExponent: point <= -4 || point > 16, to: &out)
        return out
    }

    /// What the short-decimal path writes for `x`; nil when it declines.
    func shortDecimal(_ x: Double) -> [UInt8]? {
        var room = [UInt8](repeating: 0, count: DecimalDigits.maximumShortestLength)
        let count = room.withUnsafeMutableBufferPointer { DecimalDigits.writeShortDecimal(x, at: $0.baseAddress!) }
        return count.map { Array(room[..<$0]) }
    }

    /// Checks one double; true when the short path took it.
    @discardableResult
    func check(_ x: Double, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let fast = shortDecimal(x)
        let taken = fast != nil
        if let fast {
            #expect(fast == general(x), "\(x.bitPattern): short path wrote \(String(decoding: fast, as: UTF8.self)), the general one \(String(decoding: general(x), as: UTF8.self))", sourceLocation: sourceLocation)
        }
        var digits = DecimalDigits()
        var out: [UInt8] = []
        digits.appendShortest(x, to: &out)
        #expect(out == general(x), "\(x.bitPattern)", sourceLocation: sourceLocation)
        return taken
    }

    @Test func shortDecimalsAndTheirNeighboursAreWrittenAsTheGeneralAlgorithmWritesThem() {
        var generator = SplitMix(seed: 1_000_003)
        var taken = 0
        let count = 300_000
        for _ in 0..<count {
            // A random decimal of 1–8 places with an integer part from 0 to 10^8.
            let places = Int(generator.next() % 8) + 1
            let whole = generator.next() % [1, 10, 1_000, 100_000, 100_000_000][Int(generator.next() % 5)]
            var fraction = String(generator.next() % 100_000_000)
            fraction = String(repeating: "0", count: max(0, 8 - fraction.count)) + fraction
            let text = "\(whole).\(fraction.prefix(places))"
            guard let x = Double(text), x >= 1e-4, x != x.rounded(.towardZero) else { continue }
            if check(x) { taken += 1 }
            // Its neighbours round-trip only with 16 or 17 digits: the path must refuse
            // them or write what the general algorithm writes.
            check(x.nextUp)
            check(x.nextDown)
        }
        // The path must take most short decimals (else this test checks nothing).
        #expect(taken > count / 2, "the short path took \(taken) of \(count)")
    }

    @Test func randomDoublesInItsRangeAreWrittenAsTheGeneralAlgorithmWritesThem() {
        var generator = SplitMix(seed: 77)
        for _ in 0..<300_000 {
            // Uniform in the exponents from 2^-14 (below 1e-4) to 2^27 (above 2^53/10^8).
            let exponent = UInt64(1023 - 14) + generator.next() % 42
            let x = Double(bitPattern: exponent << 52 | generator.next() & 0x000F_FFFF_FFFF_FFFF)
            guard x != x.rounded(.towardZero) else { continue }
            check(x)
        }
    }

    @Test func edges() {
        let cases: [Double] = [
            1e-4, 1e-4.nextUp, 1e-4.nextDown, 0.00012345678, 0.0001234, 0.5, 0.1, 0.2, 0.3, 0.30000000000000004,
            1.5, 2.675, 10.000000000000002, 99.99999999, 99.999999999, 90_071_992.5, 90_071_992.547_409_92,
            90_071_992.54740991, 9_007_199.254740991, 12_345_678.87654321, 4.3676, 4.3676000000000004,
            0.000_100_000_01, 1.000_000_01, 1.000_000_001, 1.0.nextUp, 2.0.nextDown, 65_536.000_000_01,
        ]
        for x in cases where x != x.rounded(.towardZero) { check(x) }
        // What the fast path is for, taken.
        for x in [1.5, 0.61, 7.16, 12.16, 0.0001, 1234.5678] {
            #expect(shortDecimal(x) != nil, "\(x)")
        }
    }

    /// Schubfach across the whole range: random bit patterns (every exponent), and
    /// what its branches turn on: powers of two (the narrower interval below), the
    /// subnormals (the smallest scaled by 10), the ends of the range, and numbers whose
    /// shortest digits are few (where a digit fewer is tried).
    @Test func shortestDigitsMatchSwiftsAcrossTheRange() {
        var generator = SplitMix(seed: 4_409)
        var cases: [Double] = [.leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude,
                               .leastNormalMagnitude.nextDown, .leastNormalMagnitude.nextUp, 1e16, 1e16.nextDown,
                               9_007_199_254_740_994, 1e-4.nextDown, 1e23, 5e-324, 1e-323, 1.5e-323, 2e-323, 1.7e308]
        for exponent in 0..<2047 {
            let power = Double(bitPattern: UInt64(exponent) << 52)
            cases += [power, power.nextUp, power.nextDown]
        }
        for fraction in UInt64(1)...5_000 { cases.append(Double(bitPattern: fraction)) }
        for _ in 0..<20_000 { cases.append(Double(bitPattern: generator.next() & 0x000F_FFFF_FFFF_FFFF)) }
        // Decimals of 1 to 17 digits at every scale: their shortest text is their own.
        for _ in 0..<100_000 {
            let digits = generator.next() % DecimalDigits.powersOfTen[Int(generator.next() % 17) + 1]
            if let x = Double("\(digits)e\(Int(generator.next() % 650) - 340)") { cases.append(x) }
        }
        for power in -325...308 {
            if let x = Double("1e\(power)") { cases += [x, x.nextUp, x.nextDown] }
            if let x = Double("1.2345e\(power)") { cases.append(x) }
        }
        for _ in 0..<400_000 { cases.append(Double(bitPattern: generator.next() & 0x7FEF_FFFF_FFFF_FFFF)) }
        var mismatches = 0
        for x in cases where x > 0 && x.isFinite {
            var digits = DecimalDigits()
            var out: [UInt8] = []
            digits.appendShortest(x, to: &out)
            if out != general(x) {
                mismatches += 1
                if mismatches <= 5 {
                    Issue.record("\(x.bitPattern): \(String(decoding: out, as: UTF8.self)), Swift's \(String(decoding: general(x), as: UTF8.self))")
                }
            }
        }
        #expect(mismatches == 0)
    }
}
