extension Array where Element == UInt8 {
    /// Appends `value` in decimal digits, without making a String of it first: the
    /// formatter and the servers do this for every number and length they write. With
    /// `minimumDigits`, zeros lead up to that many (a fraction's digits).
    package mutating func appendDecimal(_ value: UInt64, minimumDigits: Int = 1) {
        if value < 10 && minimumDigits <= 1 {
            append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        // The digits written last first into 24 bytes on the stack, then appended at
        // once: one capacity check and one copy.
        let room = 24
        let count = Swift.min(Swift.max(minimumDigits, 1), room)
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)
        Swift.withUnsafeMutableBytes(of: &scratch) { raw in
            var remaining = value
            var index = room
            repeat {
                let (quotient, digit) = remaining.quotientAndRemainder(dividingBy: 10)
                index -= 1
                raw[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: digit)
                remaining = quotient
            } while remaining > 0 || room - index < count
            append(contentsOf: UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self) + index, count: room - index))
        }
    }

    /// Appends a literal's bytes: one copy, where `append(contentsOf: "…".utf8)` goes
    /// through a String's view (the wire writes several per request and reply).
    @inlinable
    package mutating func appendLiteral(_ literal: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }
}
