/// A picture drawn with characters: two pixels a cell, the upper one in the foreground
/// colour of an upper half block (▀), the lower one in the background colour, both as
/// 24-bit colour escapes.
package enum TerminalPicture {
    /// The largest picture with square pixels that fits `columns`×`rows` cells and has
    /// the region's proportions.
    package static func size(columns: Int, rows: Int, from: (Double, Double), to: (Double, Double)) -> (width: Int, height: Int) {
        let aspect = (to.0 - from.0) / (to.1 - from.1)  // width over height
        let maxWidth = max(columns, 1), maxHeight = max(2 * rows, 2)
        var width = maxWidth
        var height = Int((Double(width) / aspect).rounded())
        if height > maxHeight {
            height = maxHeight
            width = max(1, min(maxWidth, Int((Double(height) * aspect).rounded())))
        }
        return (width, max(height, 1))
    }

    /// The escapes and blocks for `pixels` (RGB, row after row), one line of text per
    /// two rows, each line ending with the colours reset.
    package static func text(_ pixels: [UInt8], width: Int, height: Int) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(width * ((height + 1) / 2) * 40)
        func number(_ value: UInt8) {
            if value >= 100 { out.append(0x30 + value / 100) }
            if value >= 10 { out.append(0x30 + (value / 10) % 10) }
            out.append(0x30 + value % 10)
        }
        func colour(_ selector: UInt8, _ offset: Int) {
            out.append(contentsOf: [0x1B, 0x5B, selector, 0x38, 0x3B, 0x32, 0x3B])  // ESC [ 3/4 8;2;
            number(pixels[offset]); out.append(0x3B)
            number(pixels[offset + 1]); out.append(0x3B)
            number(pixels[offset + 2]); out.append(0x6D)
        }
        let block: [UInt8] = Array("▀".utf8)
        var row = 0
        while row < height {
            for column in 0..<width {
                colour(0x33, 3 * (row * width + column))
                if row + 1 < height {
                    colour(0x34, 3 * ((row + 1) * width + column))
                } else {
                    out.append(contentsOf: Array("\u{1B}[49m".utf8))
                }
                out.append(contentsOf: block)
            }
            out.append(contentsOf: Array("\u{1B}[0m\n".utf8))
            row += 2
        }
        return String(decoding: out, as: UTF8.self)
    }
}
