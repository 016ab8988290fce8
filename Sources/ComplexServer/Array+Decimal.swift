extension Array where Element == UInt8 {
    /// Appends a non-negative integer in decimal, without making a String of it first.
    mutating func appendDecimal(_ value: Int) {
        if value >= 10 { appendDecimal(value / 10) }
        append(UInt8(ascii: "0") &+ UInt8(value % 10))
    }
}
