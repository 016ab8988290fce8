import ComplexLanguage

/// One response: `{"result":[1,-2]}` (a real result is a bare number), or
/// `{"error":{"code":"division_by_zero","message":"division by zero"}}`.
package enum WireResponse: Sendable, Equatable {
    case result(Value)
    case failure(code: WireErrorCode, message: String)

    package init(_ error: WireError) {
        self = .failure(code: error.errorCode, message: error.message)
    }

    /// True for a result or an operation's error: the request was well-formed and was
    /// answered, not refused.
    package var answersTheRequest: Bool {
        switch self {
        case .result: return true
        case .failure(let code, _): return code.isOperationError
        }
    }

    /// Appends the response as one JSON object, and a newline after it `asLine` (the
    /// socket protocol's framing); `id`, the request's id as it was written, is echoed
    /// after the rest: `{"result":[1,-2],"id":7}`.
    package func encode(to out: inout [UInt8], writer: inout JSONWriter, id: UnsafeBufferPointer<UInt8>? = nil, asLine: Bool = false) {
        switch self {
        case .result(let value):
            // `{"result":`, the value, `,"id":`, the id, `}` and a newline: one write.
            out.appendBytes(maximumCount: 10 + ByteCursor.maximumValueLength + 6 + (id?.count ?? 0) + 2) { start in
                var cursor = ByteCursor(start)
                cursor.write(#"{"result":"#)
                cursor.writeValue(value)
                if let id {
                    cursor.write(#","id":"#)
                    cursor.write(id)
                }
                cursor.write(UInt8(ascii: "}"))
                if asLine { cursor.write(UInt8(ascii: "\n")) }
                return cursor.count
            }
            return
        case .failure(let code, let message):
            out.appendLiteral(#"{"error":{"code":"#)
            writer.appendString(code.spelling, to: &out)
            out.appendLiteral(#","message":"#)
            writer.appendString(message, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        if let id {
            out.appendLiteral(#","id":"#)
            out.append(contentsOf: id)
        }
        out.append(UInt8(ascii: "}"))
        if asLine { out.append(UInt8(ascii: "\n")) }
    }

    /// Decodes a reply as a client must read it: strictly (numbers only as the server
    /// writes them, no key twice, exactly one of `result` and `error`), and, when
    /// `expectedID` is given, with that `id`, so that a reply can only answer the request
    /// it belongs to. A plain result's numbers are kept in `texts`, when given, to be
    /// sent back as they came.
    package static func decode(
        _ bytes: UnsafeBufferPointer<UInt8>, expectedID: UInt64? = nil, remembering texts: NumberTextCache? = nil
    ) throws(WireError) -> WireResponse {
        if let response = decodePlainResult(bytes, expectedID: expectedID, remembering: texts) { return response }
        return try decodeInFull(bytes, expectedID: expectedID)
    }

    /// Decodes any reply strictly, with the errors of every way one can be wrong.
    static func decodeInFull(_ bytes: UnsafeBufferPointer<UInt8>, expectedID: UInt64?) throws(WireError) -> WireResponse {
        var reader = JSONReader(bytes, strict: true)
        var response: WireResponse?
        var seen = KeySet()
        var id: Range<Int>?
        try reader.readObject { (reader: inout JSONReader, key: JSONText) throws(WireError) in
            switch key {
            case "result":
                try seen.insert(.result, "result")
                response = .result(try reader.readOperand("result"))
            case "error":
                try seen.insert(.error, "error")
                var code = WireErrorCode.backendFailure, message = "the server reported an error without a message"
                var inner = KeySet()
                try reader.readObject { (reader: inout JSONReader, key: JSONText) throws(WireError) in
                    switch key {
                    case "code":
                        try inner.insert(.code, "code")
                        code = WireErrorCode(spelling: try reader.readString())
                    case "message":
                        try inner.insert(.message, "message")
                        message = try reader.readString()
                    default: try reader.skipValue()
                    }
                }
                response = .failure(code: code, message: message)
            case "id":
                try seen.insert(.id, "id")
                id = try reader.readID(maximumLength: WireRequest.maximumIDLength)
            default:
                try reader.skipValue()
            }
        }
        try reader.expectEnd()
        guard let response else { throw .badJSON("the response has neither \"result\" nor \"error\"") }
        if seen.contains(.result) && seen.contains(.error) {
            throw .notTheProtocol("the response has both \"result\" and \"error\"")
        }
        if let expectedID {
            guard let id else { throw .notTheProtocol("the reply has no \"id\", where \(expectedID) was expected") }
            let written = UnsafeBufferPointer(rebasing: bytes[id])
            guard WireRequest.decimalID(written) == expectedID else {
                throw .notTheProtocol("the reply's id is \(String(decoding: written, as: UTF8.self)), where \(expectedID) was expected: the replies are out of step with the requests")
            }
        }
        return response
    }

    /// A result in exactly the shape `encode` writes it, `{"result":[1,-2],"id":7}` with
    /// finite numbers and the expected id (or none, when none is expected), perhaps with
    /// an HTTP body's final newline, read straight through; nil for anything else, which
    /// the strict decoder then reads, errors and all. Nearly every reply a client reads
    /// has this shape.
    static func decodePlainResult(_ bytes: UnsafeBufferPointer<UInt8>, expectedID: UInt64?, remembering texts: NumberTextCache? = nil) -> WireResponse? {
        var reader = JSONReader(bytes, strict: true)
        guard reader.skip(#"{"result":"#) else { return nil }
        let operandStart = reader.index
        guard let value = reader.readPlainOperand() else { return nil }
        let operand = UnsafeBufferPointer(rebasing: bytes[operandStart..<reader.index])
        if let expectedID {
            guard reader.skip(#","id":"#) else { return nil }
            let start = reader.index
            while reader.index < bytes.count, bytes[reader.index] &- UInt8(ascii: "0") < 10 { reader.index += 1 }
            guard WireRequest.decimalID(UnsafeBufferPointer(rebasing: bytes[start..<reader.index])) == expectedID else { return nil }
        }
        guard reader.skip("}") else { return nil }
        _ = reader.skip("\n")  // an HTTP body's
        guard reader.index == bytes.count else { return nil }
        texts?.remember(value, written: operand)
        return .result(value)
    }
}
