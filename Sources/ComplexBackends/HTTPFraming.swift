import ComplexLanguage
import ComplexWire

/// The HTTP transport's framing: `POST /<op>` with the operands as a JSON body on a
/// keep-alive HTTP/1.1 connection, pipelined (the server answers in order); replies
/// are read by NIO's response decoder (`HTTPReplyDecoder`).
package struct HTTPFraming: WireFraming {
    /// `POST /<op>` for each operation, by `MathOperation.index`.
    let requestLines: [[UInt8]]
    /// Everything between the path and the Content-Length value.
    let requestHeaders: [UInt8]
    var replies: HTTPReplyDecoder?
    var body: [UInt8] = []
    var writer = JSONWriter()

    package init(address: HTTPAddress, authorization: String?) {
        requestLines = MathOperation.allCases.map { Array("POST /\($0.rawValue)".utf8) }
        var headers = " HTTP/1.1\r\nHost: \(address)\r\nContent-Type: application/json\r\n"
        if let authorization { headers += "Authorization: \(authorization)\r\n" }
        headers += "Content-Length: "
        requestHeaders = Array(headers.utf8)
    }

    package mutating func reset() throws(BlockingSocket.Failure) {
        replies?.finish()
        do {
            replies = try HTTPReplyDecoder()
        } catch {
            throw BlockingSocket.Failure(reason: "cannot set up the HTTP codec: \(error)")
        }
    }

    /// Lays the request out here (a fixed shape, no encoder), and tells the reply
    /// decoder a POST went out, so it frames the reply.
    package mutating func appendRequest(_ call: OperationCall, to buffer: inout [UInt8]) {
        body.removeAll(keepingCapacity: true)
        WireRequest(call.operation, call.a, call.b).encode(to: &body, writer: &writer, includeOperation: false)
        buffer.append(contentsOf: requestLines[call.operation.index])
        buffer.append(contentsOf: requestHeaders)
        buffer.appendDecimal(UInt64(body.count))
        buffer.append(contentsOf: "\r\n\r\n".utf8)
        buffer.append(contentsOf: body)
        replies?.expectReply()
    }

    package mutating func takeReplies(
        from buffer: inout [UInt8], count: inout Int,
        _ reply: (Result<WireResponse, WireError>, _ keepAlive: Bool) -> Bool
    ) throws(BlockingSocket.Failure) {
        guard let replies else { throw BlockingSocket.Failure(reason: "no HTTP codec") }
        try replies.feed(buffer[..<count])
        count = 0  // the decoder keeps what is left of a partial response
        while let response = replies.next() {
            let decoded: Result<WireResponse, WireError> = response.body.withUnsafeReadableBytes { raw in
                do throws(WireError) {
                    return .success(try WireResponse.decode(raw.bindMemory(to: UInt8.self)))
                } catch {
                    return .failure(.badJSON("a \(response.status.code) reply: \(error.message)"))
                }
            }
            if !reply(decoded, response.keepAlive) { return }
        }
    }
}
