import Glibc
import ComplexLanguage
import ComplexWire

/// The socket protocol's framing: one JSON request per line, one JSON reply per line,
/// in order (docs/PROTOCOL.md).
package struct LineFraming: WireFraming {
    var writer = JSONWriter()
    /// The results' texts, sent back as they came.
    let textStorage = NumberTextCache.Storage()
    var texts: NumberTextCache { textStorage.cache }
    /// The longest reply line.
    let maximumReplyLength: Int

    package init(maximumReplyLength: Int = ClientPolicy.maximumReplyLength) {
        self.maximumReplyLength = maximumReplyLength
    }

    /// The id of the next request, and of the reply expected next: every request
    /// carries one, and a reply must echo its request's (docs/PROTOCOL.md).
    var nextRequestID: UInt64 = 1
    var nextReplyID: UInt64 = 1

    package mutating func reset() {
        nextReplyID = nextRequestID
    }

    package mutating func appendRequest(_ call: OperationCall, to buffer: inout [UInt8]) {
        WireRequest(call.operation, call.a, call.b).encode(to: &buffer, writer: &writer, id: nextRequestID, asLine: true, texts: texts)
        nextRequestID += 1
    }

    package mutating func takeReplies(
        from buffer: inout [UInt8], count: inout Int,
        _ reply: (Result<WireResponse, WireError>, _ keepAlive: Bool) -> Bool
    ) throws(FramingError) {
        var start = 0
        let end = count
        var tooLong = false
        buffer.withUnsafeMutableBufferPointer { bytes in
            while start < end {
                guard let found = memchr(bytes.baseAddress! + start, 0x0A, end - start) else { break }
                let newline = bytes.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
                if newline - start > maximumReplyLength {
                    tooLong = true
                    return
                }
                let line = UnsafeBufferPointer(rebasing: bytes[start..<newline])
                start = newline + 1
                let decoded: Result<WireResponse, WireError>
                do throws(WireError) {
                    decoded = .success(try WireResponse.decode(line, expectedID: nextReplyID, remembering: texts))
                } catch {
                    decoded = .failure(error)
                }
                nextReplyID += 1
                if !reply(decoded, true) { break }
            }
            if start > 0 && start < end {
                memmove(bytes.baseAddress!, bytes.baseAddress! + start, end - start)
            }
        }
        count = end - start
        if tooLong || count > maximumReplyLength {
            throw FramingError("a reply line over \(maximumReplyLength) bytes")
        }
    }
}
