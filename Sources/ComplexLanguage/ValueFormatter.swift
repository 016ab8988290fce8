import Glibc

/// Prints values as CPython's `repr(complex)` does: `(1-2j)`, `5j`, `(-0-3j)`,
/// `(1e+16+1j)`, `(nan+infj)`; a real prints as CPython prints that part inside a
/// complex repr (`6`, `3.5`, `1e+16`, `inf`).
///
/// The digits themselves come from `DecimalDigits`, which the wire shares; display
/// settings (`style`, `significantDigits`) live here and never reach the wire.
public struct ValueFormatter: Sendable {
    /// How complex results are shown.
    public enum Style: Sendable, Equatable {
        /// `(re+imj)`, CPython's repr.
        case rectangular
        /// `r∠θ`: magnitude and phase in radians.
        case polar
    }

    public var style: Style
    /// Significant digits, as Python's `format(x, '.Ng')`; nil for the shortest
    /// round-trip digits (`repr`).
    public var significantDigits: Int?

    /// Lays out each component's digits.
    var digits = DecimalDigits()

    public init(style: Style = .rectangular, significantDigits: Int? = nil) {
        self.style = style
        self.significantDigits = significantDigits
    }

    /// The value as text.
    public mutating func string(_ value: Value) -> String {
        var out: [UInt8] = []
        append(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the value's text (no newline) to `out`.
    public mutating func append(_ value: Value, to out: inout [UInt8]) {
        if significantDigits == nil && (style == .rectangular || value.isReal) {
            // Nearly every value: repr's digits, in one piece into room made once (piece
            // by piece, the appends were a fifth of printing a complex value).
            out.appendBytes(maximumCount: Self.maximumReprLength) { Self.writeRepr(value, at: $0) }
            return
        }
        appendInPieces(value, to: &out)
    }

    /// The most bytes `writeRepr` writes: `(`, two components, `j)`.
    static var maximumReprLength: Int { 3 + 2 * maximumComponentLength }
    /// The most bytes `writeComponent` writes: a sign and the longest shortest digits.
    static var maximumComponentLength: Int { 1 + DecimalDigits.maximumShortestLength }

    /// `value` as `repr` lays it out, at `start`; returns how many bytes. The layout is
    /// `appendInPieces`' for shortest digits (`FormatterTests` holds the two to the same
    /// bytes).
    static func writeRepr(_ value: Value, at start: UnsafeMutablePointer<UInt8>) -> Int {
        switch value {
        case .real(let x):
            return writeComponent(x, sign: false, at: start)
        case .complex(let z):
            var position = start
            if z.re == 0 && z.re.sign == .plus {
                position += writeComponent(z.im, sign: false, at: position)
                position.initialize(to: UInt8(ascii: "j"))
                return start.distance(to: position) + 1
            }
            position.initialize(to: UInt8(ascii: "("))
            position += 1
            position += writeComponent(z.re, sign: false, at: position)
            position += writeComponent(z.im, sign: true, at: position)
            position.initialize(to: UInt8(ascii: "j"))
            (position + 1).initialize(to: UInt8(ascii: ")"))
            return start.distance(to: position) + 2
        }
    }

    /// One double as `repr` lays it out, at `start`: `appendComponent`'s layout for
    /// shortest digits.
    static func writeComponent(_ x: Double, sign: Bool, at start: UnsafeMutablePointer<UInt8>) -> Int {
        var position = start
        func write(_ literal: StaticString) {
            position.initialize(from: literal.utf8Start, count: literal.utf8CodeUnitCount)
            position += literal.utf8CodeUnitCount
        }
        if x.isNaN {
            write(sign ? "+nan" : "nan")
        } else {
            if x.sign == .minus {
                write("-")
            } else if sign {
                write("+")
            }
            if x.isInfinite {
                write("inf")
            } else if x == 0 {
                write("0")
            } else {
                position += DecimalDigits.writeShortest(Swift.abs(x), at: position)
            }
        }
        return start.distance(to: position)
    }

    /// `append`, a piece at a time: for significant digits and the polar form.
    mutating func appendInPieces(_ value: Value, to out: inout [UInt8]) {
        switch value {
        case .real(let x):
            appendComponent(x, sign: false, to: &out)
        case .complex(let z):
            if style == .polar {
                appendComponent(hypot(z.re, z.im), sign: false, to: &out)
                out.append(contentsOf: [0xE2, 0x88, 0xA0])  // ∠
                appendComponent(atan2(z.im, z.re), sign: false, to: &out)
                return
            }
            if z.re == 0 && z.re.sign == .plus {
                appendComponent(z.im, sign: false, to: &out)
                out.append(UInt8(ascii: "j"))
            } else {
                out.append(UInt8(ascii: "("))
                appendComponent(z.re, sign: false, to: &out)
                appendComponent(z.im, sign: true, to: &out)
                out.append(UInt8(ascii: "j"))
                out.append(UInt8(ascii: ")"))
            }
        }
    }

    /// One double as Python's `repr` (or `'.Ng'`) lays it out, without a trailing
    /// `.0`; with `sign`, a `+` precedes non-negative values and NaN.
    mutating func appendComponent(_ x: Double, sign: Bool, to out: inout [UInt8]) {
        if x.isNaN {
            if sign { out.append(UInt8(ascii: "+")) }
            out.appendLiteral("nan")
            return
        }
        if x.sign == .minus {
            out.append(UInt8(ascii: "-"))
        } else if sign {
            out.append(UInt8(ascii: "+"))
        }
        if x.isInfinite {
            out.appendLiteral("inf")
            return
        }
        if x == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        if let significantDigits {
            digits.appendRounded(Swift.abs(x), significantDigits: significantDigits, to: &out)
        } else {
            digits.appendShortest(Swift.abs(x), to: &out)
        }
    }
}
