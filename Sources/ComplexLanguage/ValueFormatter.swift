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
