import ComplexLanguage
import ComplexWire
import Testing

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
            .failure(code: .divisionByZero, message: "complex division by zero \"quoted\" \u{1}"),
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
}
