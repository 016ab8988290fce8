import NIOCore

extension ByteBuffer {
    /// Writes a non-negative integer in decimal, without making a String of it first.
    mutating func writeDecimal(_ value: Int) {
        if value >= 10 { writeDecimal(value / 10) }
        writeInteger(UInt8(ascii: "0") + UInt8(value % 10))
    }
}
