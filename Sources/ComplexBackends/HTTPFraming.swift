import ComplexLanguage
import ComplexWire

/// The HTTP transport's framing: `POST /<op>` with the operands as a JSON body on a
/// keep-alive HTTP/1.1 connection, pipelined (the server answers in order); replies
/// are read by `HTTPReplyParser`.
package struct HTTPFraming: WireFraming {
    /// `POST /<op>` for each operation, by `MathOperation.index`.
    let requestLines: [[UInt8]]
    /// Everything between the path and the Content-Length value.
    let requestHeaders: [UInt8]
    var replies: HTTPReplyParser
    var body: [UInt8] = []
    var writer = JSONWriter()
    /// The longest reply body.
    let maximumReplyLength: Int

    package init(address: HTTPAddress, authorization: String?, maximumReplyLength: Int = ClientPolicy.maximumReplyLength) {
        self.maximumReplyLength = maximumReplyLength
        replies = HTTPReplyParser(maximumBodyLength: maximumReplyLength)
        requestLines = MathOperation.allCases.map { Array("POST /\($0.rawValue)".utf8) }
        var headers = " HTTP/1.1\r\nHost: \(address)\r\nContent-Type: application/json\r\n"
        if let authorization { headers += "Authorization: \(authorization)\r\n" }
        headers += "Content-Length: "
        requestHeaders = Array(headers.utf8)
    }

    package mutating func reset() {
        replies = HTTPReplyParser(maximumBodyLength: maximumReplyLength)
    }

    /// Lays the request out here: a fixed shape, no encoder.
    package mutating func appendRequest(_ call: OperationCall, to buffer: inout [UInt8]) {
        body.removeAll(keepingCapacity: true)
        WireRequest(call.operation, call.a, call.b).encodeOperands(to: &body, writer: &writer)
        buffer.append(contentsOf: requestLines[call.operation.index])
        buffer.append(contentsOf: requestHeaders)
        buffer.appendDecimal(UInt64(body.count))
        buffer.append(contentsOf: "\r\n\r\n".utf8)
        buffer.append(contentsOf: body)
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
            let decoded: Result<WireResponse, WireError> = response.body.withUnsafeBufferPointer { bytes in
                do throws(WireError) {
                    return .success(try WireResponse.decode(bytes))
                } catch {
                    return .failure(.badJSON("a \(response.status) reply: \(error.message)"))
                }
            }
            if !reply(decoded, response.keepAlive) { return }
        }
    }
}
