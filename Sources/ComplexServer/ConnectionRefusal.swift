import ComplexWire

/// What a connection over the server's limit is sent before it is closed (nothing it
/// sends is answered): the transport's own error, a JSON line or an HTTP 503.
enum ConnectionRefusal {
    /// The refusal's JSON body.
    static func body(limit: Int) -> [UInt8] {
        var out: [UInt8] = []
        var writer = JSONWriter()
        WireResponse.failure(.tooManyConnections, message: "the server is at its connection limit (\(limit)); try again later")
            .encode(to: &out, writer: &writer)
        return out
    }

    /// The line sent on the socket.
    static func socketLine(limit: Int) -> [UInt8] {
        body(limit: limit) + [UInt8(ascii: "\n")]
    }

    /// The whole 503 response sent over HTTP.
    static func httpResponse(limit: Int) -> [UInt8] {
        let body = socketLine(limit: limit)
        let head = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        return Array(head.utf8) + body
    }
}
