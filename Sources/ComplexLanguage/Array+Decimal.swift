extension Array where Element == UInt8 {
    /// Appends `value` in decimal digits, without making a String of it first: the
    /// formatter and the servers do this for every number and length they write.
    package mutating func appendDecimal(_ value: UInt64) {
        if value < 10 {
            append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        var count = 1
        var bound: UInt64 = 10
        while count < 20 && value >= bound {
            count += 1
            bound = bound &* 10
        }
        // The digits written in place, last first, into room made at once (a byte at a
        // time cost a capacity check each).
        let start = self.count
        append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count))
        withUnsafeMutableBufferPointer { buffer in
            var remaining = value
            var index = start + count - 1
            while remaining > 0 {
                let (quotient, digit) = remaining.quotientAndRemainder(dividingBy: 10)
                buffer[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: digit)
                remaining = quotient
                index -= 1
            }
        }
    }

    /// Appends a literal's bytes: one copy, where `append(contentsOf: "…".utf8)` goes
    /// through a String's view (the wire writes several per request and reply).
    @inlinable
    package mutating func appendLiteral(_ literal: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }
}
