extension Array where Element == UInt8 {
    /// Appends `value` in decimal digits, without making a String of it first: the
    /// formatter and the servers do this for every number and length they write.
    package mutating func appendDecimal(_ value: UInt64) {
        if value < 10 {
            append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        // The digits written last first into 20 bytes on the stack, then appended at
        // once: one capacity check and one copy.
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)
        Swift.withUnsafeMutableBytes(of: &scratch) { raw in
            var remaining = value
            var index = 20
            repeat {
                let (quotient, digit) = remaining.quotientAndRemainder(dividingBy: 10)
                index -= 1
                raw[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: digit)
                remaining = quotient
            } while remaining > 0
            append(contentsOf: UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self) + index, count: 20 - index))
        }
    }

    /// Appends a literal's bytes: one copy, where `append(contentsOf: "…".utf8)` goes
    /// through a String's view (the wire writes several per request and reply).
    @inlinable
    package mutating func appendLiteral(_ literal: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }
}
