extension Array where Element == UInt8 {
    /// Appends `value` in decimal digits, without making a String of it first: the
    /// formatter and the servers do this for every number and length they write.
    package mutating func appendDecimal(_ value: UInt64) {
        var remaining = value
        var reversed: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for UInt64.max's 20 digits
        var count = 0
        Swift.withUnsafeMutableBytes(of: &reversed) { digits in
            repeat {
                digits[count] = UInt8(ascii: "0") &+ UInt8(remaining % 10)
                remaining /= 10
                count += 1
            } while remaining > 0
            for index in stride(from: count - 1, through: 0, by: -1) { append(digits[index]) }
        }
    }
}
