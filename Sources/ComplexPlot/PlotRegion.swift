import ComplexLanguage

/// The rectangle of the complex plane a plot shows, and the grid of pixels over it.
///
/// Pixel (i, j) of a W×H picture is the point `re = from.re + (i + 0.5)(to.re − from.re)/W`,
/// `im = to.im − (j + 0.5)(to.im − from.im)/H`: pixel centres, row 0 at the top.
package struct PlotRegion: Sendable, Equatable {
    /// The lower-left corner.
    package var from: ComplexNumber
    /// The upper-right corner.
    package var to: ComplexNumber
    package var width: Int
    package var height: Int

    /// The default region, `-2-2j` to `2+2j`.
    package static let defaultFrom = ComplexNumber(-2, -2)
    package static let defaultTo = ComplexNumber(2, 2)
    /// The default size of a picture written to a file.
    package static let defaultFileSize = (width: 512, height: 512)
    /// The largest width and height: the picture is held whole for the PNG encoder
    /// (3 bytes a pixel, 48 MiB at the most).
    package static let maximumSide = 4096

    /// Checks the corners and the size; the error says what to change.
    package init(from: ComplexNumber, to: ComplexNumber, width: Int, height: Int) throws(PlotError) {
        guard from.re.isFinite, from.im.isFinite, to.re.isFinite, to.im.isFinite else {
            throw .badRegion("the corners must be finite numbers, e.g. --from -2-2j --to 2+2j")
        }
        guard from.re < to.re, from.im < to.im else {
            // Worded for both ways of giving the corners: the options and `:plot`'s words.
            throw .badRegion("the first corner (\(Self.text(from)); --from) must be below and to the left of the second (\(Self.text(to)); --to), e.g. -2-2j and 2+2j")
        }
        guard (1...Self.maximumSide).contains(width), (1...Self.maximumSide).contains(height) else {
            throw .badSize("the size must be from 1x1 to \(Self.maximumSide)x\(Self.maximumSide) pixels, got \(width)x\(height)")
        }
        self.from = from
        self.to = to
        self.width = width
        self.height = height
    }

    /// The point at the centre of pixel (i, j).
    @inlinable
    package func point(column i: Int, row j: Int) -> ComplexNumber {
        ComplexNumber(
            from.re + (Double(i) + 0.5) * (to.re - from.re) / Double(width),
            to.im - (Double(j) + 0.5) * (to.im - from.im) / Double(height))
    }

    /// `-2-2j … 2+2j`, for captions.
    package var caption: String { "\(Self.text(from)) … \(Self.text(to))" }

    static func text(_ z: ComplexNumber) -> String {
        var formatter = ValueFormatter()
        var text = formatter.string(.complex(z))
        if text.hasPrefix("(") && text.hasSuffix(")") { text = String(text.dropFirst().dropLast()) }
        return text
    }

    /// Reads `WxH` (or `W×H`), e.g. `512x512`.
    package static func size(parsing text: String) throws(PlotError) -> (width: Int, height: Int) {
        let parts = text.split(whereSeparator: { $0 == "x" || $0 == "X" || $0 == "×" })
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]) else {
            throw .badSize("a size is WIDTHxHEIGHT in pixels, e.g. 512x512; got '\(text)'")
        }
        return (width, height)
    }
}
