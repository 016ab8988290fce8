extension Array where Element == UInt8 {
    /// Appends what `body` writes at the pointer it is given, at most `maximumCount`
    /// bytes, and returns how many it wrote: one capacity check (growing as `append`
    /// does) and no copy, where small `append(contentsOf:)` calls each paid for both
    /// (about a tenth of a pipelined client's instructions, measured).
    @inlinable @inline(__always)
    package mutating func appendBytes(maximumCount: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        append(addingCapacity: maximumCount) { span in
            span.withUnsafeMutableBufferPointer { buffer, initialized in
                initialized = body(buffer.baseAddress!)
            }
        }
    }

    /// Appends `value` in decimal digits, without making a String of it first: the
    /// formatter and the servers do this for lengths, statuses and counts they write.
    package mutating func appendDecimal(_ value: UInt64) {
        appendBytes(maximumCount: 20) { DecimalDigits.writeDecimal(value, at: $0) }
    }

    /// Appends a literal's bytes: one copy, where `append(contentsOf: "…".utf8)` goes
    /// through a String's view (the wire writes several per request and reply).
    @inlinable
    package mutating func appendLiteral(_ literal: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }
}
