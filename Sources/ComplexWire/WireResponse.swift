import ComplexLanguage

/// One response: `{"result":[1,-2]}` (a real result is a bare number), or
/// `{"error":{"code":"division_by_zero","message":"division by zero"}}`.
package enum WireResponse: Sendable, Equatable {
    case result(Value)
    case failure(code: WireErrorCode, message: String)

    package init(_ error: WireError) {
        self = .failure(code: error.errorCode, message: error.message)
    }

    package func encode(to out: inout [UInt8], writer: inout JSONWriter) {
        switch self {
        case .result(let value):
            out.append(contentsOf: #"{"result":"#.utf8)
            writer.appendValue(value, to: &out)
            out.append(UInt8(ascii: "}"))
        case .failure(let code, let message):
            out.append(contentsOf: #"{"error":{"code":"#.utf8)
            writer.appendString(code.spelling, to: &out)
            out.append(contentsOf: #","message":"#.utf8)
            writer.appendString(message, to: &out)
            out.append(contentsOf: "}}".utf8)
        }
    }

    package static func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws(WireError) -> WireResponse {
        var reader = JSONReader(bytes)
        var response: WireResponse?
        try reader.readObject { (reader: inout JSONReader, key: JSONText) throws(WireError) in
            switch key {
            case "result":
                response = .result(try reader.readOperand("result"))
            case "error":
                var code = WireErrorCode.backendFailure, message = "the server reported an error without a message"
                try reader.readObject { (reader: inout JSONReader, key: JSONText) throws(WireError) in
                    switch key {
                    case "code": code = WireErrorCode(spelling: try reader.readString())
                    case "message": message = try reader.readString()
                    default: try reader.skipValue()
                    }
                }
                response = .failure(code: code, message: message)
            default:
                try reader.skipValue()
            }
        }
        try reader.expectEnd()
        guard let response else { throw .badJSON("the response has neither \"result\" nor \"error\"") }
        return response
    }
}
