import ComplexLanguage
import ComplexWire

/// How one transport lays requests out on a byte stream and finds the replies in
/// what comes back: the part of the `ipc` and `http` backends that differs. A framing
/// knows its own limits (given when it is made) and says with `FramingError` when the
/// bytes are not its framing.
package protocol WireFraming {
    /// Starts a connection: nothing is in flight, nothing half-received.
    mutating func reset()
    /// Appends the request for `call`. Its reply will come back in order.
    mutating func appendRequest(_ call: OperationCall, to buffer: inout [UInt8])
    /// Takes the whole replies at the start of `buffer[..<count]`, in order, and
    /// leaves what is left of a partial one at the start (`count` says how much).
    /// `reply` gets each decoded response and whether the connection stays open after
    /// it; returning false from `reply` stops the scan (the rest is not wanted).
    mutating func takeReplies(
        from buffer: inout [UInt8], count: inout Int,
        _ reply: (Result<WireResponse, WireError>, _ keepAlive: Bool) -> Bool
    ) throws(FramingError)
}
