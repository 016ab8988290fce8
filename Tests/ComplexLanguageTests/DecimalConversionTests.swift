import Foundation
import Testing
import TestSupport
@testable import ComplexLanguage

/// Decimal text to double (the lexer's literals, the wire's numbers) against the C
/// library's strtod, correctly rounded, on what the fast paths take and around their
/// edges: every answer must be the same double, bit for bit.
@Suite struct DecimalConversionTests {
    func converted(_ text: String) -> Double {
        var text = text
        return text.withUTF8 { DecimalConversion.value(of: $0) }
    }

    func expectStrtod(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = strtod(text, nil)
        let got = converted(text)
        #expect(got.bitPattern == expected.bitPattern, "\(text): \(got) against strtod's \(expected)", sourceLocation: sourceLocation)
    }

    @Test func theShortestDigitsOfRandomDoublesRoundTrip() {
        var generator = SplitMix(seed: 2027)
        for _ in 0..<200_000 {
            let value = Double(bitPattern: generator.next() & 0x7FEF_FFFF_FFFF_FFFF)
            let text = value.description.replacingOccurrences(of: "e+", with: "e")
            let got = converted(text)
            #expect(got.bitPattern == value.bitPattern, "\(text)")
            if got.bitPattern != value.bitPattern { return }
        }
    }

    /// 1 to `maximumDigits` random digits, the first not 0: with a point among them,
    /// after `0.` and up to 12 zeros (before the first significant digit), or neither.
    static func randomDecimal(_ generator: inout SplitMix, maximumDigits: Int) -> String {
        let digits = Int.random(in: 1...maximumDigits, using: &generator)
        var text = String(Int.random(in: 1...9, using: &generator))
        for _ in 1..<digits { text += String(Int.random(in: 0...9, using: &generator)) }
        switch Int.random(in: 0..<3, using: &generator) {
        case 0:
            let point = Int.random(in: 1...text.count, using: &generator)
            text.insert(".", at: text.index(text.startIndex, offsetBy: point))
        case 1:
            text = "0." + String(repeating: "0", count: Int.random(in: 0...12, using: &generator)) + text
        default:
            break
        }
        return text
    }

    @Test func randomDigitStringsMatchStrtod() {
        var generator = SplitMix(seed: 11)
        for _ in 0..<200_000 {
            // Up to 40 digits: runs of eight are read at once while the mantissa has
            // room, so every length and offset around 8, 16 and 19 is covered.
            var text = Self.randomDecimal(&generator, maximumDigits: 40)
            text += "e\(Int.random(in: -345...330, using: &generator))"
            let expected = strtod(text, nil)
            let got = converted(text)
            #expect(got.bitPattern == expected.bitPattern, "\(text): \(got) against strtod's \(expected)")
            if got.bitPattern != expected.bitPattern { return }
        }
    }

    /// Numbers with more of a line after them, as literals and a reply's numbers
    /// have: their fractions are then read eight digits at a time where eight are
    /// there (`eightDigits`), cut at every offset by the exponent or what follows.
    /// Read by the lexer, each must be strtod's double and end where its text does.
    @Test func numbersInsideALineMatchStrtod() throws {
        var generator = SplitMix(seed: 12)
        for _ in 0..<200_000 {
            var text = Self.randomDecimal(&generator, maximumDigits: 30)
            if Bool.random(using: &generator) { text += "e\(Int.random(in: -30...30, using: &generator))" }
            let after = [")", " + 1", "j", "*2)", "/(3"].randomElement(using: &generator)!
            let line = text + after + String(repeating: " ", count: Int.random(in: 0...9, using: &generator))
            let token = try line.withUTF8Bytes { (bytes) throws(Diagnostic) in
                var lexer = Lexer(bytes)
                return try lexer.next()
            }
            let expected = strtod(text, nil)
            #expect(token.number.bitPattern == expected.bitPattern, "\(line): \(token.number) against strtod's \(expected)")
            #expect(token.end == text.utf8.count + (after == "j" ? 1 : 0), "\(line)")
            if token.number.bitPattern != expected.bitPattern { return }
        }
    }

    /// Halfway cases, the ends of the range, subnormals, and numbers just past the
    /// fast paths' limits.
    @Test func edgesMatchStrtod() {
        for text in ["9007199254740993", "9007199254740992", "9007199254740995", "18014398509481985",
                     "2.2250738585072011e-308", "2.2250738585072014e-308", "4.9406564584124654e-324", "2.4703282292062327e-324",
                     "2.4703282292062328e-324", "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308",
                     "1e308", "1e309", "1e-324", "1e-323", "123456789012345678", "1234567890123456789", "12345678901234567890",
                     "0.1", "0.3", "1e23", "8.98846567431158e307", "5e-324", "1e-22", "1e22", "1e-23", "123456789012345.6e7",
                     "7.2057594037927933e16", "3.4028234664e38", "0.000001", "1e-5", "2.5e-17", "4.35679e-18"] {
            expectStrtod(text)
        }
    }
}
