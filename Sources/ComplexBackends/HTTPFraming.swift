import ComplexLanguage
import ComplexWire

/// The HTTP transport's framing: `POST /<op>` with the operands as a JSON body on a
/// keep-alive HTTP/1.1 connection, pipelined (the server answers in order); replies
/// are read by `HTTPReplyParser`.
package struct HTTPFraming: WireFraming {
    /// `POST /<op>` for each operation, by `MathOperation.index`.
    let requestLines: [[UInt8]]
    /// Everything between the path and the body's length.
    let requestHeaders: [UInt8]
    /// Between the body's length and the request id's value.
    let requestIDPrefix: [UInt8]
    /// The id of the next request, and of the reply expected next: every request
    /// carries one in `X-Request-Id`, and a reply must echo its request's.
    var nextRequestID: UInt64 = 1
    var nextReplyID: UInt64 = 1
    var replies: HTTPReplyParser
    var body: [UInt8] = []
    var writer = JSONWriter()
    /// The results' texts, sent back as they came.
    let textStorage = NumberTextCache.Storage()
    var texts: NumberTextCache { textStorage.cache }
    /// The longest reply body.
    let maximumReplyLength: Int

    package init(address: HTTPAddress, authorization: String?, maximumReplyLength: Int = ClientPolicy.maximumReplyLength) {
        self.maximumReplyLength = maximumReplyLength
        replies = HTTPReplyParser(maximumBodyLength: maximumReplyLength)
        requestLines = MathOperation.allCases.map { Array("POST /\($0.rawValue)".utf8) }
        var headers = "\(HTTPSyntax.usualRequestHost)\(address)"
        if let authorization { headers += "\r\nAuthorization: \(authorization)" }
        requestHeaders = Array((headers + "\(HTTPSyntax.jsonContentHeaders)").utf8)
        requestIDPrefix = HTTPSyntax.requestIDPrefix
    }

    package mutating func reset() {
        replies = HTTPReplyParser(maximumBodyLength: maximumReplyLength)
        nextReplyID = nextRequestID
    }

    /// Lays the request out here: a fixed shape, no encoder; the body first, then the
    /// whole request in one write into room made once.
    package mutating func appendRequest(_ call: OperationCall, to buffer: inout [UInt8]) {
        body.removeAll(keepingCapacity: true)
        WireRequest(call.operation, call.a, call.b).encodeOperands(to: &body, writer: &writer, texts: texts)
        let line = requestLines[call.operation.index]
        let id = nextRequestID
        nextRequestID += 1
        buffer.appendBytes(maximumCount: line.count + requestHeaders.count + requestIDPrefix.count
                            + 2 * ByteCursor.maximumDecimalLength + HTTPSyntax.blankLine.utf8CodeUnitCount + body.count) { room in
            var cursor = ByteCursor(room)
            cursor.write(line)
            cursor.write(requestHeaders)
            cursor.writeDecimal(UInt64(body.count))
            cursor.write(requestIDPrefix)
            cursor.writeDecimal(id)
            cursor.write(HTTPSyntax.blankLine)
            cursor.write(body)
            return cursor.count
        }
    }

    package mutating func takeReplies(
        from buffer: inout [UInt8], count: inout Int,
        _ reply: (Result<WireResponse, WireError>, _ keepAlive: Bool) -> Bool
    ) throws(FramingError) {
        replies.feed(buffer[..<count])
        count = 0  // the parser keeps what is left of a partial response
        while true {
            let next: HTTPReplyParser.Response?
            do throws(HTTPReplyParser.Malformed) {
                next = try replies.next()
            } catch {
                throw FramingError("the reply is not valid HTTP: \(error)")
            }
            guard let response = next else { return }
            let decoded: Result<WireResponse, WireError>
            do throws(WireError) {
                decoded = .success(try Self.check(response, expectedID: nextReplyID, remembering: texts))
            } catch {
                decoded = .failure(.notTheProtocol("a \(response.status) reply: \(error.message)"))
            }
            nextReplyID += 1
            if !reply(decoded, response.keepAlive) { return }
        }
    }

    /// The protocol's response in `response`, if it answers request `expectedID`: it
    /// echoes the id, its body is a response, and its status is the one the body's
    /// result or error code is sent with (docs/PROTOCOL.md, "Errors").
    static func check(_ response: HTTPReplyParser.Response, expectedID: UInt64, remembering texts: NumberTextCache? = nil) throws(WireError) -> WireResponse {
        switch response.requestID {
        case .decimal(expectedID)?:
            break
        case nil:
            throw .notTheProtocol("no \(HTTPSyntax.requestIDField), where \(expectedID) was expected")
        case .decimal(let other)?:
            throw .notTheProtocol("\(HTTPSyntax.requestIDField) \(other), where \(expectedID) was expected: the replies are out of step with the requests")
        case .other(let text)?:
            throw .notTheProtocol("\(HTTPSyntax.requestIDField) \(text), where \(expectedID) was expected: the replies are out of step with the requests")
        }
        let decoded = try response.body.withUnsafeBufferPointer { (bytes) throws(WireError) in try WireResponse.decode(bytes, remembering: texts) }
        let expectedStatus: ClosedRange<Int>, says: String
        switch decoded {
        case .result:
            (expectedStatus, says) = (200...200, "a result")
        case .failure(let code, _):
            (expectedStatus, says) = (code.httpStatus.map { $0...$0 } ?? 400...599, "error \(code.spelling)")
        }
        guard expectedStatus.contains(response.status) else {
            throw .notTheProtocol("its body is \(says), which is never sent with status \(response.status)")
        }
        return decoded
    }
}
