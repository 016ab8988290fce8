import ComplexLanguage
import ComplexPlot

/// What a plot is asked to show: `complex-repl plot …` or `:plot EXPR [Z1 Z2] [> FILE.png]`.
package struct PlotRequest: Sendable, Equatable {
    /// An expression in `z`.
    package var expression: String
    package var from: ComplexNumber
    package var to: ComplexNumber
    /// Pixels; nil: the default size for a file, the window's for a terminal.
    package var width: Int?
    package var height: Int?
    /// A PNG file to write; nil: draw in the terminal.
    package var output: String?

    package init(expression: String, from: ComplexNumber = PlotRegion.defaultFrom, to: ComplexNumber = PlotRegion.defaultTo,
                width: Int? = nil, height: Int? = nil, output: String? = nil) {
        self.expression = expression
        self.from = from
        self.to = to
        self.width = width
        self.height = height
        self.output = output
    }

    static let usage = ":plot EXPR [Z1 Z2] [> FILE.png], e.g. :plot (z**2-1)/(z**2+1) -2-2j 2+2j"

    /// Reads what follows `:plot`: the expression, then optionally the two corners
    /// (as Python's `complex()` reads them) and `> FILE.png`.
    init(parsing text: Substring) throws(SessionError) {
        var rest = text
        var output: String?
        if let arrow = rest.lastIndex(of: ">") {
            let file = rest[rest.index(after: arrow)...].trimmingWhitespace()
            guard !file.isEmpty else { throw .badArguments(":plot", "wants a file name after '>': \(Self.usage)") }
            output = file
            rest = rest[..<arrow]
        }
        var from = PlotRegion.defaultFrom, to = PlotRegion.defaultTo
        let words = rest.split(whereSeparator: { $0 == " " || $0 == "\t" })
        if words.count >= 3,
           let first = try? ComplexNumber(pythonString: String(words[words.count - 2])),
           let second = try? ComplexNumber(pythonString: String(words[words.count - 1])) {
            from = first
            to = second
            rest = rest[..<words[words.count - 2].startIndex]
        }
        let expression = rest.trimmingWhitespace()
        guard !expression.isEmpty else { throw .badArguments(":plot", "wants an expression in z: \(Self.usage)") }
        self.init(expression: expression, from: from, to: to, output: output)
    }
}
