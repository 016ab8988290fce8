import Foundation
import ComplexLanguage
@testable import ComplexWire
import Testing
import TestSupport

/// The wire codec on its own: requests and responses survive a round trip bit for bit,
/// and every malformed request gets its protocol error code.
@Suite struct WireCodecTests {
    static func decodeRequest(_ text: String, operation: MathOperation? = nil) -> Result<WireRequest, WireError> {
        Result { () throws(WireError) in try text.withUTF8Bytes { (bytes) throws(WireError) in try WireRequest.decode(bytes, operation: operation) } }
    }

    static func encode(_ request: WireRequest, operandsOnly: Bool = false) -> String {
        var out: [UInt8] = []
        var writer = JSONWriter()
        if operandsOnly {
            request.encodeOperands(to: &out, writer: &writer)
        } else {
            request.encode(to: &out, writer: &writer)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A NaN travels as `nan`, without its sign, as `repr` prints it.
    static let operands: [Value] = [
        .real(1.5), .real(-0.0), .real(.infinity), .real(.nan), .real(.leastNonzeroMagnitude),
        .complex(ComplexNumber(-0.0, .nan)), .complex(ComplexNumber(1e308, -2.5)), .complex(ComplexNumber(-.infinity, 0)),
    ]

    @Test(arguments: MathOperation.allCases) func requestsRoundTripBitForBit(operation: MathOperation) throws {
        for a in Self.operands {
            let b: Value? = operation.arity.lowerBound == 2 ? Self.operands.reversed().first { !$0.isIdentical(to: a) } : nil
            let request = WireRequest(operation, a, b)
            let decoded = try Self.decodeRequest(Self.encode(request)).get()
            #expect(decoded.operation == operation)
            #expect(decoded.a.isIdentical(to: a), "\(Self.encode(request))")
            #expect(decoded.b.map { $0.isIdentical(to: b!) } ?? (b == nil))
            // Over HTTP the path names the operation and the body carries the operands.
            let body = try Self.decodeRequest(Self.encode(request, operandsOnly: true), operation: operation).get()
            #expect(body.a.isIdentical(to: a))
        }
    }

    @Test(arguments: [
        ("[1,2]", "bad_json"),
        ("{\"op\":\"add\",\"a\":1", "bad_json"),
        ("{\"op\":\"add\",\"a\":1,\"b\":2} trailing", "bad_json"),
        (String(repeating: "[", count: 70), "bad_json"),
        ("{\"x\":" + String(repeating: "[", count: 70) + "}", "bad_json"),
        ("{\"a\":1}", "bad_arguments"),
        ("{\"op\":7,\"a\":1}", "bad_arguments"),
        ("{\"op\":\"add\",\"a\":1}", "bad_arguments"),
        ("{\"op\":\"neg\",\"a\":1,\"b\":2}", "bad_arguments"),
        ("{\"op\":\"neg\",\"a\":\"one\"}", "bad_arguments"),
        ("{\"op\":\"neg\",\"a\":[1,2,3]}", "bad_arguments"),
        ("{\"op\":\"neg\",\"a\":{}}", "bad_arguments"),
        // A key twice is read one way by one parser and another by the next: refused.
        ("{\"op\":\"neg\",\"a\":1,\"a\":2}", "bad_json"),
        ("{\"op\":\"neg\",\"command\":\"sqrt\",\"a\":1}", "bad_json"),
        ("{\"op\":\"neg\",\"a\":1,\"id\":true}", "bad_arguments"),
        ("{\"op\":\"frobnicate\",\"a\":1}", "unknown_operation"),
        ("{\"op\":\"ad\",\"a\":1,\"b\":2}", "unknown_operation"),
        ("{\"op\":\"adds\",\"a\":1,\"b\":2}", "unknown_operation"),
        ("{\"op\":\"ADD\",\"a\":1,\"b\":2}", "unknown_operation"),
        ("{\"op\":\"add\\u0000\",\"a\":1,\"b\":2}", "unknown_operation"),
        ("{\"op\":\"complexx\",\"a\":1,\"b\":2}", "unknown_operation"),
    ]) func malformedRequestsGetTheirCode(text: String, code: String) {
        guard case .failure(let error) = Self.decodeRequest(text) else {
            Issue.record("\(text) decoded")
            return
        }
        #expect(error.errorCode.spelling == code, "\(text): \(error)")
        #expect(!error.message.isEmpty)
    }

    @Test func theDemosSpellingAndUnknownKeysAreAccepted() throws {
        let request = try Self.decodeRequest(#"{"command":"add","a":[1,3],"b":[0,-5],"trace":{"x":[1,2]}}"#).get()
        #expect(request == WireRequest(.add, .complex(ComplexNumber(1, 3)), .complex(ComplexNumber(0, -5))))
        #expect(try Self.decodeRequest(#"{"op":"neg","a":"inf"}"#).get().a == .real(.infinity))
    }

    @Test func responsesRoundTrip() throws {
        var writer = JSONWriter()
        for response in Self.operands.map(WireResponse.result) + [
            .failure(code: .divisionByZero, message: "complex division by zero \"quoted\" \u{1}\n\\ back\u{1F}slash é"),
            // A code from a newer server survives the round trip as it was spelled.
            .failure(code: .unrecognized("rate_limited"), message: "slow down"),
            WireResponse(.lineTooLong(limit: 10)), WireResponse(.bodyTooLarge(limit: 10)),
        ] {
            var out: [UInt8] = []
            response.encode(to: &out, writer: &writer)
            let decoded = try out.withUnsafeBufferPointer { (bytes) throws(WireError) in try WireResponse.decode(bytes) }
            switch (response, decoded) {
            case (.result(let x), .result(let y)): #expect(x.isIdentical(to: y))
            default: #expect(decoded == response)
            }
        }
        let neither = Result { () throws(WireError) in
            try #"{"other":1}"#.withUTF8Bytes { (bytes) throws(WireError) in try WireResponse.decode(bytes) }
        }
        guard case .failure(let error) = neither else {
            Issue.record("a response with neither result nor error decoded")
            return
        }
        #expect(error.errorCode == .badJSON)
    }

    /// The plain readers (`decodePlain`, `decodePlainResult`) stand in for the full
    /// decoders on the shape complex-repl and complex-server write: on that shape, and on
    /// thousands of texts a byte away from it, whatever they accept must be exactly what
    /// the full decoders read, and they must accept the shape itself.
    @Test func thePlainReadersReadWhatTheFullDecodersRead() {
        var generator = SplitMix(seed: 27)
        let numbers: [Double] = [0, -0.0, 1, -2, 1.5, 0.61, -7.16, 1e300, -2.5e-300, .leastNonzeroMagnitude, 123_456_789_012, 0.1 + 0.2]
        func operand() -> Value {
            func number() -> Double {
                generator.next() % 3 == 0 ? Double(bitPattern: generator.next() & 0x7FEF_FFFF_FFFF_FFFF) * (generator.next() % 2 == 0 ? 1 : -1)
                    : numbers[Int(generator.next() % UInt64(numbers.count))]
            }
            return generator.next() % 2 == 0 ? .real(number()) : .complex(ComplexNumber(number(), number()))
        }
        let alphabet = Array(#" {}[],:"-0123456789.eE+abdinopsuIN\"#.utf8)
        var writer = JSONWriter()
        var acceptedCanonical = 0, acceptedMutants = 0
        /// Eight copies of `text`, each a byte away from it: one changed, added or taken out.
        func mutants(of text: [UInt8]) -> [[UInt8]] {
            (0..<8).map { _ in
                var mutant = text
                let at = Int(generator.next() % UInt64(mutant.count))
                switch generator.next() % 3 {
                case 0: mutant[at] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                case 1: mutant.insert(alphabet[Int(generator.next() % UInt64(alphabet.count))], at: at)
                default: mutant.remove(at: at)
                }
                return mutant
            }
        }
        for round in 0..<3_000 {
            let operation = MathOperation.allCases[Int(generator.next() % UInt64(MathOperation.allCases.count))]
            let request = WireRequest(operation, operand(), operation.arity.lowerBound == 2 ? operand() : nil)
            let id = round % 4 == 0 ? nil : generator.next() % 1_000_000
            var text: [UInt8] = []
            request.encode(to: &text, writer: &writer, id: id)
            var reply: [UInt8] = []
            let idText = Array((id.map { String($0) } ?? "").utf8)
            idText.withUnsafeBufferPointer { idBytes in
                WireResponse.result(request.a).encode(to: &reply, writer: &writer, id: id == nil ? nil : idBytes)
            }
            if round % 3 == 0 { reply.append(UInt8(ascii: "\n")) }  // as an HTTP body ends
            // Over HTTP the path names the operation and the body carries the operands.
            var body: [UInt8] = []
            request.encodeOperands(to: &body, writer: &writer)
            body.withUnsafeBufferPointer { bytes in
                var plainID: Range<Int>?, fullID: Range<Int>?
                let plain = WireRequest.decodePlain(bytes, operation: operation, id: &plainID)
                let full = try? WireRequest.decodeInFull(bytes, operation: operation, id: &fullID)
                #expect(plain != nil && full != nil && plain!.a.isIdentical(to: full!.a)
                        && (plain!.b.map { b in full!.b.map(b.isIdentical) ?? false } ?? (full!.b == nil)),
                        "\(String(decoding: body, as: UTF8.self))")
            }
            let texts = [(text, true)] + mutants(of: text).map { ($0, false) }
            for (candidate, canonical) in texts {
                candidate.withUnsafeBufferPointer { bytes in
                    var plainID: Range<Int>?
                    guard let plain = WireRequest.decodePlain(bytes, id: &plainID) else {
                        #expect(!canonical, "\(String(decoding: candidate, as: UTF8.self)) not read plainly")
                        return
                    }
                    if canonical { acceptedCanonical += 1 } else { acceptedMutants += 1 }
                    var fullID: Range<Int>?
                    let full = Result { () throws(WireError) in try WireRequest.decodeInFull(bytes, operation: nil, id: &fullID) }
                    guard case .success(let expected) = full else {
                        Issue.record("\(String(decoding: candidate, as: UTF8.self)): read plainly, refused in full: \(full)")
                        return
                    }
                    #expect(plain.operation == expected.operation && plain.a.isIdentical(to: expected.a)
                            && (plain.b.map { expected.b.map($0.isIdentical) ?? false } ?? (expected.b == nil))
                            && plainID == fullID, "\(String(decoding: candidate, as: UTF8.self))")
                }
            }
            // The reply, and the same mutations of it.
            let replies = [(reply, true)] + mutants(of: reply).map { ($0, false) }
            for (candidate, canonical) in replies {
                candidate.withUnsafeBufferPointer { bytes in
                    guard let plain = WireResponse.decodePlainResult(bytes, expectedID: id) else {
                        #expect(!canonical, "\(String(decoding: candidate, as: UTF8.self)) not read plainly")
                        return
                    }
                    let full = Result { () throws(WireError) in try WireResponse.decodeInFull(bytes, expectedID: id) }
                    guard case .success(.result(let expected)) = full, case .result(let value) = plain else {
                        Issue.record("\(String(decoding: candidate, as: UTF8.self)): read plainly, in full \(full)")
                        return
                    }
                    #expect(value.isIdentical(to: expected), "\(String(decoding: candidate, as: UTF8.self))")
                }
            }
        }
        #expect(acceptedCanonical == 3_000)
        // Some mutants are still the shape (a digit changed): the comparison is not idle.
        #expect(acceptedMutants > 1_000)
    }

    /// A malformed request's message says where and what was found, and travels
    /// escaped as JSON.
    @Test func malformedRequestsSayWhereAndWhat() throws {
        func message(_ text: String) -> String {
            guard case .failure(let error) = Self.decodeRequest(text) else { return "decoded" }
            return error.message
        }
        #expect(message("x").hasSuffix(" at byte 0, found 'x'"))
        #expect(message("{\"op\":\"add\",\u{1}").hasSuffix(" at byte 12, found byte 0x01"))
        #expect(message("{\"op\":\"add\",\"a\":\u{7F}").hasSuffix(" at byte 16, found byte 0x7f"))
        #expect(message("{\"op\":\"add\",").hasSuffix(", found the end of the input"))
        var out: [UInt8] = []
        var writer = JSONWriter()
        WireResponse(.badJSON("a \"b\" \\ \u{1}\n")).encode(to: &out, writer: &writer)
        #expect(String(decoding: out, as: UTF8.self) == #"{"error":{"code":"bad_json","message":"bad JSON: a \"b\" \\ \u0001\n"}}"#)
    }

    /// Strings escaped eight bytes at a time against the rule a character at a time, on
    /// random strings of every length up to 40 made of the characters at its edges.
    @Test func stringsAreEscapedAsJSONWantsThem() {
        let pieces: [String] = ["a", "Z", " ", "\"", "\\", "\n", "\u{0}", "\u{1F}", "\u{7F}", "é", "∠", "~", "!", "#"]
        var generator = SplitMix(seed: 5)
        let writer = JSONWriter()
        for _ in 0..<20_000 {
            let text = (0..<Int(generator.next() % 41)).map { _ in
                generator.next() % 4 == 0 ? pieces[Int(generator.next() % UInt64(pieces.count))] : "x"
            }.joined()
            var bytes = Array("\"".utf8)
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "\""): bytes += Array("\\\"".utf8)
                case UInt8(ascii: "\\"): bytes += Array("\\\\".utf8)
                case UInt8(ascii: "\n"): bytes += Array("\\n".utf8)
                case 0..<0x20: bytes += Array(String(format: "\\u%04x", byte).utf8)
                default: bytes.append(byte)
                }
            }
            let expected = String(decoding: bytes, as: UTF8.self) + "\""
            var out: [UInt8] = Array("prefix".utf8)
            writer.appendString(text, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == "prefix" + expected, "\(text.debugDescription)")
        }
    }

    /// The one reading of a request id as a number: decimal digits, no leading zero,
    /// up to UInt64's largest.
    /// Numbers read eight bytes at a time (`readDigitsByRuns`) against a byte at a time
    /// (`readDigitsByByte`, which says what is wrong with a malformed one): on random
    /// texts near the wire's numbers, valid and not, followed by what follows a number on
    /// the wire, the runs must read the same double to the same byte, or decline, and
    /// decline every text the bytes refuse; they must take nearly all valid ones of at
    /// most 19 digits (not the rare few Eisel and Lemire's method leaves to strtod).
    @Test func numbersReadByRunsAreReadAsByteByByte() {
        var generator = SplitMix(seed: 2028)
        func digits(_ count: Int) -> String {
            String((0..<count).map { _ in Character(String(generator.next() % 10)) })
        }
        var taken = 0, valid = 0
        for _ in 0..<100_000 {
            var text = generator.next() % 5 == 0 ? "0" : String(1 + generator.next() % 9) + digits(Int(generator.next() % 12))
            if generator.next() % 4 != 0 { text += "." + digits(Int(generator.next() % 19)) }
            if generator.next() % 3 == 0 {
                text += ["e", "E", "e+", "e-", "E-"][Int(generator.next() % 5)] + digits(Int(generator.next() % 6))
            }
            switch generator.next() % 12 {
            case 0: text = "0" + text  // a leading zero
            case 1: text += "." + digits(Int(generator.next() % 3))  // a second point
            case 2: text = String(text.dropLast())
            default: break
            }
            // Mostly what follows a number on the wire; sometimes the end of the text.
            let after = [",\"id\":12}", "],\"b\":[1,2],\"id\":3}\n", ",-2.5],\"id\":77}", ",", "]", "x"][Int(generator.next() % 6)]
            let bytes = Array((text + after).utf8)
            bytes.withUnsafeBufferPointer { buffer in
                var byRuns = JSONReader(buffer, strict: true)
                var byByte = JSONReader(buffer, strict: true)
                let expected = Result { () throws(WireError) in try byByte.readDigitsByByte() }
                // What the runs are for: the whole text read byte by byte, at most 19
                // digits and an exponent of at most 3, a normal double or a zero written
                // as one (not one that underflows).
                var isForRuns = false
                if case .success(let value) = expected, byByte.index == text.utf8.count {
                    let parts = text.utf8.split(whereSeparator: { $0 | 0x20 == UInt8(ascii: "e") })
                    let written = parts[0].filter { $0 &- 0x30 < 10 }
                    isForRuns = written.count <= 19 && (parts.count == 1 || parts[1].filter({ $0 &- 0x30 < 10 }).count <= 3)
                        && (value.isNormal || written.allSatisfy { $0 == UInt8(ascii: "0") })
                }
                if isForRuns { valid += 1 }
                guard let got = byRuns.readDigitsByRuns() else {
                    #expect(byRuns.index == 0, "\(text + after)")
                    return
                }
                if isForRuns { taken += 1 }
                guard case .success(let value) = expected else {
                    Issue.record("\(text + after): read as \(got) by runs, refused byte by byte")
                    return
                }
                #expect(got.bitPattern == value.bitPattern && byRuns.index == byByte.index,
                        "\(text + after): \(got) to byte \(byRuns.index), byte by byte \(value) to byte \(byByte.index)")
            }
        }
        #expect(taken >= valid * 99 / 100, "taken \(taken) of \(valid) valid")
    }

    @Test func decimalIDsAreReadExactly() {
        func read(_ text: String) -> UInt64? {
            var text = text
            return text.withUTF8 { WireRequest.decimalID($0) }
        }
        #expect(read("0") == 0 && read("7") == 7 && read("1234567890") == 1_234_567_890)
        #expect(read("9999999999999999999") == 9_999_999_999_999_999_999)
        #expect(read("18446744073709551615") == UInt64.max)
        for refused in ["", "07", "-1", "1.5", "1e3", "18446744073709551616", "99999999999999999999", "123456789012345678901", "12a"] {
            #expect(read(refused) == nil, "\(refused)")
        }
    }
}
