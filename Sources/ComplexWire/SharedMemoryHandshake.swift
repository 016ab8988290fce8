import ComplexLanguage

/// The lines that set up a shm channel on a socket connection (docs/PROTOCOL.md,
/// "Shared memory"): the client asks with `openLine`; the server offers its region with
/// `{"shm":{"version":1,"pid":P,"fd":N}}` (or answers an error response); the client maps
/// `/proc/P/fd/N` and says `mappedLine`. From then on the connection carries nothing;
/// it stays open as the channel's lifeline.
package enum SharedMemoryHandshake {
    package static let openLine = Array(#"{"shm":"open"}"#.utf8)
    package static let mappedLine = Array(#"{"shm":"mapped"}"#.utf8)

    /// Where the client finds the server's region.
    package struct Offer: Sendable, Equatable {
        package var version: Int
        package var pid: Int32
        package var descriptor: Int32

        package init(version: Int = Int(SharedMemoryLayout.version), pid: Int32, descriptor: Int32) {
            self.version = version
            self.pid = pid
            self.descriptor = descriptor
        }

        /// The offer's line, without its newline.
        package var line: [UInt8] {
            Array(#"{"shm":{"version":\#(version),"pid":\#(pid),"fd":\#(descriptor)}}"#.utf8)
        }
    }

    /// The server's answer to `openLine`.
    package enum Answer: Sendable, Equatable {
        case offer(Offer)
        /// The error response the server sent instead (e.g. `too_many_channels`).
        case refused(code: WireErrorCode, message: String)
    }

    /// Reads the server's answer to `openLine`.
    package static func decodeAnswer(_ bytes: UnsafeBufferPointer<UInt8>) throws(WireError) -> Answer {
        var reader = JSONReader(bytes)
        var offer: Offer?
        var isError = false
        try reader.readObject { (reader: inout JSONReader, key: JSONText) throws(WireError) in
            switch key {
            case "shm":
                var version: Double?, pid: Double?, fd: Double?
                try reader.readObject { (reader: inout JSONReader, key: JSONText) throws(WireError) in
                    switch key {
                    case "version": version = try reader.readNumber()
                    case "pid": pid = try reader.readNumber()
                    case "fd": fd = try reader.readNumber()
                    default: try reader.skipValue()
                    }
                }
                guard let version, let pid, let fd, let v = Int(exactly: version),
                      let p = Int32(exactly: pid), let f = Int32(exactly: fd), p > 0, f >= 0 else {
                    throw .badJSON("a shm offer needs whole numbers \"version\", \"pid\" and \"fd\"")
                }
                offer = Offer(version: v, pid: p, descriptor: f)
            case "error":
                isError = true
                try reader.skipValue()
            default:
                try reader.skipValue()
            }
        }
        try reader.expectEnd()
        if isError, case .failure(let code, let message) = try WireResponse.decode(bytes) {
            return .refused(code: code, message: message)
        }
        guard let offer else { throw .badJSON("the answer to a shm request has neither \"shm\" nor \"error\"") }
        return .offer(offer)
    }
}
