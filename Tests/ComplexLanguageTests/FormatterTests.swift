import Testing
import TestSupport
@testable import ComplexLanguage

@Suite struct FormatterTests {
    func repr(_ value: Value, digits: Int? = nil) -> String {
        var f = ValueFormatter(significantDigits: digits)
        return f.string(value)
    }

    @Test(arguments: [
        (ComplexNumber(1, -2), "(1-2j)"), (ComplexNumber(0, 5), "5j"), (ComplexNumber(1, 0), "(1+0j)"),
        (ComplexNumber(-0.0, -3), "(-0-3j)"), (ComplexNumber(0, -0.0), "-0j"), (ComplexNumber(-0.0, 1), "(-0+1j)"),
        (ComplexNumber(1e16, 1), "(1e+16+1j)"), (ComplexNumber(.nan, .infinity), "(nan+infj)"),
        (ComplexNumber(1, -.nan), "(1+nanj)"), (ComplexNumber(0, 1e-5), "1e-05j"),
        (ComplexNumber(0.0001, 1), "(0.0001+1j)"), (ComplexNumber(1e22, 1), "(1e+22+1j)"),
        (ComplexNumber(9007199254740992, 0.5), "(9007199254740992+0.5j)"),
        (ComplexNumber(1234.5678, -1e-300), "(1234.5678-1e-300j)"),
        (ComplexNumber(0.1 + 0.2, .leastNonzeroMagnitude), "(0.30000000000000004+5e-324j)"),
        (ComplexNumber(9999999999999998, -.infinity), "(9999999999999998-infj)"),
        (ComplexNumber(123456789012345680, 0), "(1.2345678901234568e+17+0j)"),
    ])
    func complexRepr(_ z: ComplexNumber, _ expected: String) {
        #expect(repr(.complex(z)) == expected)
    }

    @Test(arguments: [(6.0, "6"), (3.5, "3.5"), (1e16, "1e+16"), (.infinity, "inf"), (-.infinity, "-inf"),
                      (.nan, "nan"), (-0.0, "-0"), (0.5, "0.5"), (-4, "-4"), (1e-7, "1e-07"), (2.5e-5, "2.5e-05"),
                      // Integers below 2^53 take their own path; these are its edges.
                      (10, "10"), (100, "100"), (-1234567, "-1234567"), (1e15, "1000000000000000"),
                      (9007199254740991, "9007199254740991"), (9007199254740992, "9007199254740992"),
                      (-9007199254740994, "-9007199254740994"), (9999999999999998, "9999999999999998")])
    func realRepr(_ x: Double, _ expected: String) {
        #expect(repr(.real(x)) == expected)
    }

    @Test(arguments: [(UInt64(0), "0"), (9, "9"), (10, "10"), (65_536, "65536"), (.max, "18446744073709551615")])
    func decimalDigits(_ value: UInt64, _ expected: String) {
        var out = Array("x=".utf8)
        out.appendDecimal(value)
        #expect(String(decoding: out, as: UTF8.self) == "x=" + expected)
    }

    /// Every power of ten and its neighbours (where the digit count changes) and random
    /// values of every length, against String's digits.
    @Test func decimalDigitsAtEveryLength() {
        var values: [UInt64] = [0, .max, .max - 1]
        var power: UInt64 = 1
        for _ in 0...19 {
            values += [power - 1, power, power + 1]
            if power <= UInt64.max / 10 { power *= 10 }
        }
        var generator = SplitMix(seed: 64)
        for _ in 0..<20_000 { values.append(generator.next() >> (generator.next() % 64)) }
        for value in values {
            var out = Array("x".utf8)
            out.appendDecimal(value)
            #expect(String(decoding: out, as: UTF8.self) == "x" + String(value))
        }
    }

    @Test func significantDigitsFollowPythonsG() {
        #expect(repr(.real(1234.5678), digits: 6) == "1234.57")
        #expect(repr(.real(1e-7), digits: 3) == "1e-07")
        #expect(repr(.real(123456789.0), digits: 3) == "1.23e+08")
        #expect(repr(.complex(ComplexNumber(1.0 / 3, -2)), digits: 4) == "(0.3333-2j)")
        #expect(repr(.real(0.5), digits: 1) == "0.5")
    }

    @Test func polarShowsMagnitudeAndAngle() {
        var f = ValueFormatter(style: .polar)
        #expect(f.string(.complex(ComplexNumber(3, 4))) == "5∠0.9272952180016122")
        #expect(f.string(.real(-2)) == "-2")
    }

    /// The one-piece path and the piece-by-piece one lay every value out alike: the
    /// special values, zeros of both signs in either part, and random bit patterns.
    @Test func theOnePieceReprIsThePieceByPieceOne() {
        var random = SplitMix(seed: 2_615)
        let special: [Double] = [0, -0.0, 1, -1, .nan, -.nan, .infinity, -.infinity, 5e-324, -1e16, 1e-5, 0.1, 123456789.123]
        var values: [Value] = []
        for re in special {
            values.append(.real(re))
            for im in special { values.append(.complex(ComplexNumber(re, im))) }
        }
        for _ in 0..<20_000 {
            let re = Double(bitPattern: random.next()), im = Double(bitPattern: random.next())
            values += [.real(re), .complex(ComplexNumber(re, im)), .complex(ComplexNumber(0, im)), .complex(ComplexNumber(-0.0, im))]
        }
        var formatter = ValueFormatter()
        for value in values {
            var fast: [UInt8] = [], pieces: [UInt8] = []
            formatter.append(value, to: &fast)
            formatter.appendInPieces(value, to: &pieces)
            #expect(fast == pieces, "\(value): \(String(decoding: fast, as: UTF8.self)) against \(String(decoding: pieces, as: UTF8.self))")
        }
    }
}
