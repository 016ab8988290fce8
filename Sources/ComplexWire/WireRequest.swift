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

    /// The operations by their names' bytes packed into one word (`nameKey`), sorted:
    /// finding one is a binary search over a few dozen integers, with no String made,
    /// for a request's `op` and an HTTP path alike (the HTTP router hashed the path as a
    /// String and compared Strings: 3% of an HTTP request's instructions).
    static let operationsByNameKey: [(key: UInt64, operation: MathOperation)] =
        MathOperation.allCases.map { operation in
            let name = Array(operation.rawValue.utf8)
            return (name.withUnsafeBufferPointer { nameKey($0)! }, operation)
        }.sorted { $0.key < $1.key }

    /// A name of at most 7 bytes as one word: its bytes from the low end, its length in
    /// the top byte (so `add` and `add\0` differ); nil for a longer name, which no
    /// operation has.
    @inline(__always)
    static func nameKey(_ name: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard name.count <= 7 else { return nil }
        var key = UInt64(name.count) << 56
        for index in 0..<name.count { key |= UInt64(name[index]) << (8 * index) }
        return key
    }

    /// The operation named by `name`'s bytes (a request's `op`, an HTTP path's last part).
    package static func operation(bytes name: UnsafeBufferPointer<UInt8>) -> MathOperation? {
        guard let key = nameKey(name) else { return nil }
        return operationsByNameKey.withUnsafeBufferPointer { table in
            var low = 0, high = table.count
            while low < high {
                let middle = (low + high) / 2
                if table[middle].key < key { low = middle + 1 } else { high = middle }
            }
            return low < table.count && table[low].key == key ? table[low].operation : nil
        }
    }

    static func operation(named name: JSONText) -> MathOperation? {
        if let decoded = name.decoded { return MathOperation(rawValue: decoded) }
        return operation(bytes: name.bytes)
    }

    /// What a request starts with, `{"op":"add","a":`, by `MathOperation.index`: one
    /// copy where writing its four pieces took four.
    static let requestPrefixes: [[UInt8]] = MathOperation.allCases.map { Array(#"{"op":"\#($0.rawValue)","a":"#.utf8) }

    /// The longest request `id` a server takes, as written (a string with its quotes):
    /// it is echoed in the reply, so it must not let a request ask for much more reply
    /// than it sent.
    package static var maximumIDLength: Int { 64 }  // computed: no lazy initialization on the hot path

    /// The number that `text` spells as complex-repl writes its request ids (decimal
    /// digits, no leading zero, as `appendDecimal` writes them); nil for any other id.
    /// The one reading of an id as a number, for the clients' checks and the server's echo.
    package static func decimalID(_ text: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard let first = text.first, text.count <= 20, first != UInt8(ascii: "0") || text.count == 1 else { return nil }
        if text.count < 20 {
            // Below 10^19: no overflow to watch for (every id a session writes, for ages).
            var value: UInt64 = 0
            for byte in text {
                let digit = byte &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value &* 10 &+ UInt64(digit)
            }
            return value
        }
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
        if let request = decodePlain(bytes, operation: fixed, id: &id) { return request }
        return try decodeInFull(bytes, operation: fixed, id: &id)
    }

    /// Decodes any request, with the errors of every way one can be wrong (`decode`
    /// without its plain reader, for the tests and the fuzzer that compare the two).
    package static func decodeInFull(
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

    /// A request in exactly the shape `encode` writes, `{"op":"add","a":[1,3],"b":2,"id":7}`
    /// (or, with the operation `fixed` elsewhere, `encodeOperands`' `{"a":[1,3],"b":2}`)
    /// with finite numbers and no space, read straight through; nil for any other text,
    /// which the general decoder then reads, errors and all. Every request a
    /// complex-repl client sends has this shape: the general decoder's key matching,
    /// duplicate checks and whitespace skipping were a quarter of a socket server's
    /// instructions per request.
    package static func decodePlain(
        _ bytes: UnsafeBufferPointer<UInt8>, operation fixed: MathOperation? = nil, id: inout Range<Int>?
    ) -> WireRequest? {
        var reader = JSONReader(bytes)
        let operation: MathOperation
        if let fixed {
            guard reader.skip(#"{"a":"#) else { return nil }
            operation = fixed
        } else {
            guard reader.skip(#"{"op":""#) else { return nil }
            let nameStart = reader.index
            while reader.index < bytes.count, bytes[reader.index] != UInt8(ascii: "\\"), bytes[reader.index] != UInt8(ascii: "\"") {
                reader.index += 1
            }
            guard let named = Self.operation(bytes: UnsafeBufferPointer(rebasing: bytes[nameStart..<reader.index])),
                  reader.skip(#"","a":"#) else { return nil }
            operation = named
        }
        guard let a = reader.readPlainOperand() else { return nil }
        var b: Value?
        if operation.arity.lowerBound == 2 {
            guard reader.skip(#","b":"#), let operand = reader.readPlainOperand() else { return nil }
            b = operand
        }
        var foundID: Range<Int>?
        if reader.skip(#","id":"#) {
            let start = reader.index
            while reader.index < bytes.count, bytes[reader.index] &- UInt8(ascii: "0") < 10 { reader.index += 1 }
            guard reader.index > start, reader.index - start <= maximumIDLength,
                  bytes[start] != UInt8(ascii: "0") || reader.index - start == 1 else { return nil }
            foundID = start..<reader.index
        }
        guard reader.skip("}"), reader.index == bytes.count else { return nil }
        id = foundID
        return WireRequest(operation, a, b)
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

    /// Appends the request as one JSON object: `{"op":"add","a":…,"b":…}`, with `"id":N`
    /// last when `id` is given, and a newline after it `asLine` (the socket protocol's
    /// framing). One write into room made once.
    /// Numbers kept in `texts` are copied from it.
    package func encode(to out: inout [UInt8], writer: inout JSONWriter, id: UInt64? = nil, asLine: Bool = false, texts: NumberTextCache? = nil) {
        Self.requestPrefixes[operation.index].withUnsafeBufferPointer { prefix in
            out.appendBytes(maximumCount: prefix.count + Self.maximumOperandsLength) { start in
                var cursor = ByteCursor(start)
                cursor.write(prefix)
                writeOperands(to: &cursor, id: id, texts: texts)
                if asLine { cursor.write(UInt8(ascii: "\n")) }
                return cursor.count
            }
        }
    }

    /// Appends the operands alone as one JSON object, `{"a":…,"b":…}`: the request for
    /// a transport that names the operation elsewhere (HTTP, in its path).
    package func encodeOperands(to out: inout [UInt8], writer: inout JSONWriter, texts: NumberTextCache? = nil) {
        out.appendBytes(maximumCount: 5 + Self.maximumOperandsLength) { start in
            var cursor = ByteCursor(start)
            cursor.write(#"{"a":"#)
            writeOperands(to: &cursor, id: nil, texts: texts)
            return cursor.count
        }
    }

    /// The most bytes after `"a":` : two values, `,"b":`, `,"id":` and its digits, `}`
    /// and a newline.
    static var maximumOperandsLength: Int { 2 * ByteCursor.maximumValueLength + 5 + 6 + ByteCursor.maximumDecimalLength + 2 }

    /// `…,"b":…}` after `"a":`: what both objects end with.
    func writeOperands(to cursor: inout ByteCursor, id: UInt64?, texts: NumberTextCache?) {
        cursor.writeValue(a, texts: texts)
        if let b {
            cursor.write(#","b":"#)
            cursor.writeValue(b, texts: texts)
        }
        if let id {
            cursor.write(#","id":"#)
            cursor.writeDecimal(id)
        }
        cursor.write(UInt8(ascii: "}"))
    }
}
