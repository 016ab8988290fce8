import Testing
@testable import ComplexLanguage

@Suite struct LexerTests {
    func tokens(_ text: String) throws(Diagnostic) -> [Token] {
        var copy = text
        let result: Result<[Token], Diagnostic> = copy.withUTF8 { buffer in
            var lexer = Lexer(buffer)
            var out: [Token] = []
            do throws(Diagnostic) {
                while true {
                    let t = try lexer.next()
                    out.append(t)
                    if t.kind == .end { return .success(out) }
                }
            } catch { return .failure(error) }
        }
        return try result.get()
    }

    func lexError(_ text: String) -> Diagnostic? {
        do throws(Diagnostic) { _ = try tokens(text); return nil } catch { return error }
    }

    @Test(arguments: [
        ("3", 3.0), ("2.5", 2.5), ("1e-3", 0.001), (".5", 0.5), ("5.", 5.0), ("1E3", 1000),
        ("0.1", 0.1), ("123456789012345678901234567890", 1.2345678901234568e29),
        ("1e400", .infinity), ("4.9e-324", .leastNonzeroMagnitude), ("0.000000000000000000000000001", 1e-27),
        ("9007199254740993", 9007199254740992), ("1_0", .nan),
    ])
    func numberValues(_ text: String, _ expected: Double) throws {
        if expected.isNaN {
            #expect(lexError(text) != nil)
            return
        }
        let t = try tokens(text)
        #expect(t.map(\.kind) == [.number, .end])
        #expect(t[0].number.bitPattern == expected.bitPattern, "\(text)")
    }

    @Test func decimalLiteralsMatchSwiftParsing() throws {
        // The fast path must agree with the correctly rounded parser.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let mantissa = Int.random(in: 0...999_999_999_999, using: &generator)
            let point = Int.random(in: 0...12, using: &generator)
            var digits = String(mantissa)
            if point < digits.count { digits.insert(".", at: digits.index(digits.startIndex, offsetBy: point)) }
            let exponent = Int.random(in: -30...30, using: &generator)
            let text = "\(digits)e\(exponent)"
            let t = try tokens(text)
            #expect(t[0].number == Double(text)!, "\(text)")
        }
    }

    @Test func imaginarySuffixes() throws {
        for text in ["3j", "3J", "3i", "3I"] {
            let t = try tokens(text)
            #expect(t[0].kind == .imaginary && t[0].number == 3)
        }
        #expect(try tokens("2.5e3i")[0].number == 2500)
    }

    @Test func operatorsAndNames() throws {
        let kinds = try tokens("x = (a_1 + 2) ** -b ^ 3 * c / d, # comment * (").map(\.kind)
        #expect(kinds == [.identifier, .equals, .leftParen, .identifier, .plus, .number, .rightParen,
                          .power, .minus, .identifier, .power, .number, .star, .identifier, .slash,
                          .identifier, .comma, .end])
    }

    @Test func errorsCarryTheirOffset() {
        #expect(lexError("1 + 2e")?.offset == 4)
        #expect(lexError("1 + 2e")?.message.contains("exponent") == true)
        #expect(lexError("2x")?.message.contains("implicit multiplication") == true)
        #expect(lexError("1.2.3")?.offset == 0)
        #expect(lexError("1 $ 2") == Diagnostic("unexpected character '$'", at: 2))
        #expect(lexError("1 + .") != nil)
    }

    @Test func nulAndInvalidUTF8AreReportedWithAColumn() throws {
        let nul = lexError("1 +\u{0} 2")
        #expect(nul == Diagnostic("unexpected NUL byte", at: 3))
        let bytes: [UInt8] = [0x31, 0x2B, 0xFF, 0x32]
        let invalid: Diagnostic? = bytes.withUnsafeBufferPointer { buffer in
            var lexer = Lexer(buffer)
            do throws(Diagnostic) { while try lexer.next().kind != .end {}; return nil } catch { return error }
        }
        #expect(invalid?.message == "invalid UTF-8 byte 0xFF")
        #expect(invalid?.column(in: bytes) == 3)
        let accented = lexError("é + 1")
        #expect(accented?.message.contains("U+E9") == true)
        #expect(Diagnostic("", at: 5).column(in: Array("é + x".utf8)) == 5)
    }
}
