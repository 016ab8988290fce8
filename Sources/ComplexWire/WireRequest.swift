import ComplexLanguage

/// One operation request: `{"op":"add","a":[1,3],"b":[0,-5]}`.
///
/// `command` is accepted for `op` (the original demo's spelling); for HTTP the
/// operation comes from the path and the body carries only the operands.
package struct WireRequest: Sendable, Equatable {
    package var operation: MathOperation
    package var a: Value
    package var b: Value?

    package init(_ operation: MathOperation, _ a: Value, _ b: Value?) {
        self.operation = operation
        self.a = a
        self.b = b
    }

    /// The operations' names as bytes, by first byte: finding one costs a few byte
    /// comparisons, not a String (a tenth of the server's decoding under callgrind).
    static let operationsByFirstByte: [[(name: [UInt8], operation: MathOperation)]] = {
        var table = Array(repeating: [(name: [UInt8], operation: MathOperation)](), count: 128)
        for operation in MathOperation.allCases {
            let name = Array(operation.rawValue.utf8)
            table[Int(name[0])].append((name, operation))
        }
        return table
    }()

    /// Each operation's name as bytes, by `MathOperation.index`, for writing requests.
    static let operationNames: [[UInt8]] = MathOperation.allCases.map { Array($0.rawValue.utf8) }

    static func operation(named name: JSONText) -> MathOperation? {
        if let decoded = name.decoded { return MathOperation(rawValue: decoded) }
        guard let first = name.bytes.first, first < 128 else { return nil }
        return operationsByFirstByte[Int(first)].first { $0.name.elementsEqual(name.bytes) }?.operation
    }

    /// The longest request `id` a server takes, as written (a string with its quotes):
    /// it is echoed in the reply, so it must not let a request ask for much more reply
    /// than it sent.
    package static var maximumIDLength: Int { 64 }  // computed: no lazy initialization on the hot path

    /// The number that `text` spells as complex-repl writes its request ids (decimal
    /// digits, no leading zero, as `appendDecimal` writes them); nil for any other id.
    /// The one reading of an id as a number, for the clients' checks and the server's echo.
    package static func decimalID(_ text: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard let first = text.first, text.count <= 20, first != UInt8(ascii: "0") || text.count == 1 else { return nil }
        var value: UInt64 = 0
        for byte in text {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times10, overflowed) = value.multipliedReportingOverflow(by: 10)
            let (sum, carried) = times10.addingReportingOverflow(UInt64(digit))
            guard !overflowed && !carried else { return nil }
            value = sum
        }
        return value
    }

    /// Decodes a request; `operation`, when given, comes from elsewhere (an HTTP path)
    /// and the body must not need to name it.
    package static func decode(_ bytes: UnsafeBufferPointer<UInt8>, operation fixed: MathOperation? = nil) throws(WireError) -> WireRequest {
        var id: Range<Int>?
        return try decode(bytes, operation: fixed, id: &id)
    }

    /// Decodes a request and finds its optional `id` (a JSON number or string, echoed in
    /// the reply byte for byte): `id` is where it is in `bytes`, set as soon as it is read,
    /// so a request that fails after it still has its reply matched.
    package static func decode(
        _ bytes: UnsafeBufferPointer<UInt8>, operation fixed: MathOperation?, id: inout Range<Int>?
    ) throws(WireError) -> WireRequest {
        var reader = JSONReader(bytes)
        var name: JSONText?
        var a: Value?
        var b: Value?
        var seen = KeySet()
        guard reader.peek() == UInt8(ascii: "{") else {
            throw reader.failure("expected a JSON object like {\"op\":\"add\",\"a\":[1,3],\"b\":[0,-5]}")
        }
        var foundID: Range<Int>?
        defer { id = foundID }
        try reader.readObject { (reader: inout JSONReader, key: JSONText) throws(WireError) in
            switch key {
            case "op", "command":
                try seen.insert(.operation, "op")
                guard reader.peek() == UInt8(ascii: "\"") else { throw .badArguments("\"\(key)\" must be a string") }
                name = try reader.readText()
            case "a":
                try seen.insert(.a, "a")
                a = try reader.readOperand("a")
            case "b":
                try seen.insert(.b, "b")
                b = try reader.readOperand("b")
            case "id":
                try seen.insert(.id, "id")
                foundID = try reader.readID(maximumLength: maximumIDLength)
            default: try reader.skipValue()
            }
        }
        try reader.expectEnd()
        let operation: MathOperation
        if let fixed {
            operation = fixed
        } else {
            guard let name else { throw .badArguments("the request has no \"op\" (or \"command\") field") }
            guard let named = Self.operation(named: name) else { throw unknownOperation(name.description) }
            operation = named
        }
        return try checked(operation, a, b)
    }

    /// The error for an operation no one has by `name`: the one wording of it, on every
    /// transport.
    package static func unknownOperation(_ name: String) -> WireError {
        .unknownOperation("unknown operation \"\(name)\"; operations: \(MathOperation.allCases.map(\.rawValue).joined(separator: " "))")
    }

    /// The request, once its operands are known to be what `operation` takes: the one
    /// check of a request's operands, on every transport.
    package static func checked(_ operation: MathOperation, _ a: Value?, _ b: Value?) throws(WireError) -> WireRequest {
        guard let a else {
            throw .badArguments("\(operation.rawValue) needs operand \"a\"\(operation.arity.lowerBound == 2 ? " and \"b\"" : "")")
        }
        if operation.arity.lowerBound == 2 && b == nil {
            throw .badArguments("\(operation.rawValue) takes 2 operands: \"a\" and \"b\"")
        }
        if operation.arity.upperBound == 1 && b != nil {
            throw .badArguments("\(operation.rawValue) takes 1 operand: \"a\" only")
        }
        return WireRequest(operation, a, b)
    }

    /// Appends the request as one JSON object (no newline): `{"op":"add","a":…,"b":…}`,
    /// with `"id":N` last when `id` is given.
    package func encode(to out: inout [UInt8], writer: inout JSONWriter, id: UInt64? = nil) {
        out.appendLiteral(#"{"op":""#)
        out.append(contentsOf: Self.operationNames[operation.index])
        out.appendLiteral(#"","#)
        appendOperands(to: &out, writer: &writer, id: id)
    }

    /// Appends the operands alone as one JSON object, `{"a":…,"b":…}`: the request for
    /// a transport that names the operation elsewhere (HTTP, in its path).
    package func encodeOperands(to out: inout [UInt8], writer: inout JSONWriter) {
        out.append(UInt8(ascii: "{"))
        appendOperands(to: &out, writer: &writer)
    }

    /// `"a":…,"b":…}`: what both objects end with.
    func appendOperands(to out: inout [UInt8], writer: inout JSONWriter, id: UInt64? = nil) {
        out.appendLiteral(#""a":"#)
        writer.appendValue(a, to: &out)
        if let b {
            out.appendLiteral(#","b":"#)
            writer.appendValue(b, to: &out)
        }
        if let id {
            out.appendLiteral(#","id":"#)
            out.appendDecimal(id)
        }
        out.append(UInt8(ascii: "}"))
    }
}
