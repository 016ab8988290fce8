import ComplexLanguage
import ComplexPlot
import Glibc

/// Makes a plot for a person: evaluates it on the session's backend with its variables
/// and functions, writes the PNG or draws it in the terminal, shows a progress bar on a
/// terminal when it takes a while, and ends with one summary line on stderr.
package struct PlotDrawer {
    let session: Session
    let environment: [String: String]
    /// Where the picture is drawn, and the progress bar and summary line written.
    let output: Int32
    let errors: Int32

    /// A plot that takes longer than this shows a progress bar (on a terminal).
    static let progressDelay = Duration.milliseconds(500)

    package init(session: Session, environment: [String: String], output: Int32 = 1, errors: Int32 = 2) {
        self.session = session
        self.environment = environment
        self.output = output
        self.errors = errors
    }

    /// Why a picture cannot be drawn in the terminal (`TerminalColour`'s rule), or nil
    /// when it can.
    func terminalRefusal() -> String? {
        TerminalColour.offReason(isTerminal: isatty(output) == 1, environment: environment).map {
            "\($0), so no picture is drawn; write a file instead: --output plot.png (at the prompt: :plot EXPR > plot.png)"
        }
    }

    /// Makes the plot; returns the summary line (already written to stderr): points,
    /// operations, and how long the operations took (colouring the points and writing
    /// the picture come on top).
    @discardableResult
    package func draw(_ request: PlotRequest) throws(PlotError) -> String {
        let interpreter = session.interpreter
        var width = request.width, height = request.height
        if request.output == nil {
            if let refusal = terminalRefusal() { throw .cannotWrite(refusal) }
            if width == nil || height == nil {
                var size = winsize()
                let columns = ioctl(output, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
                let rows = size.ws_row > 0 ? Int(size.ws_row) : 24
                // Leave a line for the caption, one for the summary and one for the prompt.
                let fitted = TerminalPicture.size(
                    columns: columns, rows: max(rows - 3, 1),
                    from: (request.from.re, request.from.im), to: (request.to.re, request.to.im))
                width = fitted.width
                height = fitted.height
            }
        }
        let region = try PlotRegion(
            from: request.from, to: request.to,
            width: width ?? PlotRegion.defaultFileSize.width, height: height ?? PlotRegion.defaultFileSize.height)
        let lastResult = interpreter.lastResult, variables = interpreter.variables
        let plotter = try Plotter(expression: request.expression, functions: interpreter.functions, backend: interpreter.backend) { name in
            name == "ans" || name == "_" ? lastResult : variables[name]
        }
        var progress = ProgressBar(fileDescriptor: errors, delay: Self.progressDelay)
        var pixels: [UInt8] = []
        let summary: Plotter.Summary
        do throws(PlotError) {
            summary = try plotter.render(region, into: &pixels) { progress.show($0) }
            progress.clear()
        } catch {
            progress.clear()
            throw error
        }
        if let path = request.output {
            try PNGFile.write(pixels, width: region.width, height: region.height, to: path)
        } else {
            var out = BufferedOutput(fileDescriptor: output)
            out.write(TerminalPicture.text(pixels, width: region.width, height: region.height))
            out.write("\(request.expression) over \(region.caption) on \(interpreter.backend.name)\n")
            out.flush()
        }
        let seconds = summary.evaluationSeconds
        let line = "\(region.width)×\(region.height) points, \(summary.operations) operations on \(interpreter.backend.name) in \(Self.decimal(seconds, digits: 3)) s (\(Int(Double(summary.operations) / max(seconds, 1e-9))) operations/s)"
        var err = BufferedOutput(fileDescriptor: errors, capacity: 0)
        err.write(line + "\n")
        err.flush()
        return line
    }

    /// `x` with `digits` decimals, without Foundation.
    static func decimal(_ x: Double, digits: Int) -> String {
        var scale = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((x * Double(scale)).rounded())
        let fraction = String(scaled % scale)
        return "\(scaled / scale).\(String(repeating: "0", count: digits - fraction.count))\(fraction)"
    }
}

/// A progress bar on a terminal, shown only once the work has taken `delay`.
struct ProgressBar {
    let fileDescriptor: Int32
    let delay: Duration
    let start = ContinuousClock.now
    let enabled: Bool
    var shown = false

    init(fileDescriptor: Int32, delay: Duration) {
        self.fileDescriptor = fileDescriptor
        self.delay = delay
        self.enabled = isatty(fileDescriptor) == 1
    }

    mutating func show(_ fraction: Double) {
        guard enabled, ContinuousClock.now - start >= delay else { return }
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        var err = BufferedOutput(fileDescriptor: fileDescriptor, capacity: 0)
        err.write("\r\u{1B}[Kplotting \(bar) \(Int(fraction * 100))%")
        err.flush()
        shown = true
    }

    mutating func clear() {
        guard shown else { return }
        var err = BufferedOutput(fileDescriptor: fileDescriptor, capacity: 0)
        err.write("\r\u{1B}[K")
        err.flush()
        shown = false
    }
}
