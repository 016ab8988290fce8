import Testing
import TestSupport
@testable import ComplexLanguage

/// `DecimalDigits`' short-decimal path (`1.5`, `0.61`) against the general shortest
/// round-trip algorithm it stands in for (Swift's, laid out as Python's repr, which
/// the oracle tests hold to CPython): the same bytes for every double it takes, and
/// nothing written for every double it refuses.
@Suite struct DecimalDigitsTests {
    /// What the general algorithm writes for `x`.
    func general(_ x: Double) -> [UInt8] {
        var out: [UInt8] = []
        ASCIISink.write(x, to: &out)
        return out
    }

    /// Checks one double; true when the short path took it.
    @discardableResult
    func check(_ x: Double, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        var fast: [UInt8] = []
        let taken = DecimalDigits.appendShortDecimal(x, to: &fast)
        if taken {
            #expect(fast == general(x), "\(x.bitPattern): short path wrote \(String(decoding: fast, as: UTF8.self)), the general one \(String(decoding: general(x), as: UTF8.self))", sourceLocation: sourceLocation)
        } else {
            #expect(fast.isEmpty, sourceLocation: sourceLocation)
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
            var out: [UInt8] = []
            #expect(DecimalDigits.appendShortDecimal(x, to: &out), "\(x)")
        }
    }
}
