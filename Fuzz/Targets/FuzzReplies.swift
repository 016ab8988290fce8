import ComplexBackends
import ComplexLanguage
import ComplexWire

// What a server sends back, as the clients read it: the `ipc` backend's line framing
// and the `http` backend's (`HTTPReplyParser`, then the JSON body), on arbitrary bytes
// cut into reads where the input says, with up to 64
// requests in flight. A hostile or broken server must get an error, never a crash; a
// reply that decodes must encode and decode to the same thing.
func fuzzReplies(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var writer = JSONWriter()
    let chunk = Int(bytes[0] & 0x3F) + 1
    let inFlight = Int(bytes[0] >> 6) * 21 + 1
    let call = OperationCall(.add, .real(1), .real(2))

    func check(_ reply: Result<WireResponse, WireError>) {
        guard case .success(let response) = reply else { return }
        var out: [UInt8] = []
        response.encode(to: &out, writer: &writer)
        let again = out.withUnsafeBufferPointer { try? WireResponse.decode($0) }
        precondition(again != nil, "a decoded reply did not decode again: \(String(decoding: out, as: UTF8.self))")
    }

    func drive<Framing: WireFraming>(_ framing: inout Framing) {
        framing.reset()
        var requests: [UInt8] = []
        for _ in 0..<inFlight { framing.appendRequest(call, to: &requests) }
        var buffer: [UInt8] = []
        var count = 0
        var answered = 0
        var offset = 1
        while offset < size && answered < inFlight {
            let end = min(offset + chunk, size)
            buffer.removeSubrange(count...)
            buffer.append(contentsOf: bytes[offset..<end])
            count = buffer.count
            do {
                try framing.takeReplies(from: &buffer, count: &count) { reply, keepAlive in
                    check(reply)
                    answered += 1
                    return keepAlive && answered < inFlight
                }
            } catch {
                return  // not the protocol: the backend gives up on the connection here too
            }
            precondition(count <= buffer.count, "a framing kept more than it was given")
            offset = end
        }
    }

    var lines = LineFraming()
    drive(&lines)
    if let address = HTTPAddress(parsing: "127.0.0.1:1") {
        var http = HTTPFraming(address: address, authorization: nil)
        drive(&http)
    }
    return 0
}
