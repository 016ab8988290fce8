import ComplexLanguage

/// Writes a message's bytes into room made for all of them at once
/// (`Array.appendBytes`), with no capacity or uniqueness check per piece: appending a
/// request piece by piece (its prefix, each number, each key, its id) cost about 40
/// instructions a piece, a tenth of a pipelined client's (callgrind).
///
/// The caller makes room for the most the message can take: the `maximum…Length`s here.
package struct ByteCursor {
    let start: UnsafeMutablePointer<UInt8>
    var position: UnsafeMutablePointer<UInt8>

    package init(_ start: UnsafeMutablePointer<UInt8>) {
        self.start = start
        position = start
    }

    /// How many bytes have been written.
    package var count: Int { start.distance(to: position) }

    /// The most bytes `writeNumber` writes: a sign and the longest shortest digits (and
    /// more than `"-inf"` or `-0.0`).
    package static var maximumNumberLength: Int { 1 + DecimalDigits.maximumShortestLength }

    /// The most bytes `writeValue` writes: `[re,im]`.
    package static var maximumValueLength: Int { 3 + 2 * maximumNumberLength }

    /// The most bytes `writeDecimal` writes.
    package static var maximumDecimalLength: Int { 20 }

    @inline(__always)
    package mutating func write(_ byte: UInt8) {
        position.initialize(to: byte)
        position += 1
    }

    @inline(__always)
    package mutating func write(_ literal: StaticString) {
        position.initialize(from: literal.utf8Start, count: literal.utf8CodeUnitCount)
        position += literal.utf8CodeUnitCount
    }

    @inline(__always)
    package mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        position.initialize(from: base, count: bytes.count)
        position += bytes.count
    }

    @inline(__always)
    package mutating func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { write($0) }
    }

    /// `value` in decimal digits.
    @inline(__always)
    package mutating func writeDecimal(_ value: UInt64) {
        position += DecimalDigits.writeDecimal(value, at: position)
    }

    /// A number as the wire writes it: its shortest round-trip digits (`DecimalDigits`,
    /// never the REPL's display settings), or the text `texts` kept for it; non-finite
    /// numbers as the strings "inf", "-inf", "nan"; negative zero as `-0.0`, since JSON
    /// readers such as Python's read `-0` as the integer 0 and lose the sign.
    package mutating func writeNumber(_ x: Double, texts: NumberTextCache? = nil) {
        if let texts, let count = texts.write(x, at: position) {
            position += count
        } else if x.isNaN {
            write(#""nan""#)
        } else if x.isInfinite {
            write(x < 0 ? #""-inf""# : #""inf""#)
        } else if x == 0 {
            write(x.sign == .minus ? "-0.0" : "0")
        } else {
            if x < 0 { write(UInt8(ascii: "-")) }
            position += DecimalDigits.writeShortest(Swift.abs(x), at: position)
        }
    }

    /// A real as a number, a complex as `[re,im]`.
    package mutating func writeValue(_ value: Value, texts: NumberTextCache? = nil) {
        switch value {
        case .real(let x):
            writeNumber(x, texts: texts)
        case .complex(let z):
            write(UInt8(ascii: "["))
            writeNumber(z.re, texts: texts)
            write(UInt8(ascii: ","))
            writeNumber(z.im, texts: texts)
            write(UInt8(ascii: "]"))
        }
    }
}
