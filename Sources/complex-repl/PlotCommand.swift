import ArgumentParser
import ComplexBackends
import ComplexLanguage
import ComplexPlot
import ComplexREPL

/// `complex-repl plot EXPR`: a domain-colouring picture of an expression in `z`,
/// written as a PNG or drawn in the terminal, every operation on the chosen backend.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complex-repl plot",
        abstract: "Draw a picture of an expression in z: colour shows arg f(z), lightness |f(z)| (mpmath's cplot colouring).",
        discussion: """
            Pixel (i, j) of a WxH picture is z = FROM.re + (i+0.5)(TO.re-FROM.re)/W + (TO.im - (j+0.5)(TO.im-FROM.im)/H)j, row 0 at the top. Its colour is mpmath's default cplot colouring of the expression there: hue from the argument (red on the positive reals), lightness 1 - 1/(1+|f|^0.3), saturation 0.8; infinity white, NaN and errors (division by zero, domain errors) grey.

            Every operation goes to the backend, the grid's ready operations in flight together. The expression may use your variables and functions from the startup file ($COMPLEX_REPL_STARTUP, else $XDG_CONFIG_HOME/complex-repl/startup, else ~/.config/complex-repl/startup). One line on stderr ends every plot: points, operations, backend, time and rate.

            Without --output, on a terminal with colour, the picture is drawn in it (two pixels a character), sized to the window unless --size says otherwise.
            """
    )

    @Argument(help: ArgumentHelp("An expression in z, e.g. '(z**2-1)/(z**2+1)' or 'f(z)'.", valueName: "expr"))
    var expression: String

    @Option(parsing: .unconditional, help: ArgumentHelp("The lower-left corner, as Python's complex() reads it (default -2-2j).", valueName: "z1"))
    var from: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("The upper-right corner (default 2+2j).", valueName: "z2"))
    var to: String?

    @Option(help: ArgumentHelp("Pixels, WIDTHxHEIGHT (default 512x512 for a file; the window's size in a terminal).", valueName: "wxh"))
    var size: String?

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Write the picture to FILE as PNG (8-bit RGB).", valueName: "file"))
    var output: String?

    @OptionGroup var backendOptions: BackendOptions

    func validate() throws {
        _ = try request()
    }

    /// The options as a request; the region's checks wait for the size.
    func request() throws -> PlotRequest {
        var request = PlotRequest(expression: expression, output: output)
        for (flag, text, keyPath) in [("--from", from, \PlotRequest.from), ("--to", to, \PlotRequest.to)] {
            guard let text else { continue }
            do throws(ComplexNumber.MalformedString) {
                request[keyPath: keyPath] = try ComplexNumber(pythonString: text)
            } catch {
                throw ValidationError("\(flag): \(error)")
            }
        }
        if let size {
            do throws(PlotError) {
                let (width, height) = try PlotRegion.size(parsing: size)
                _ = try PlotRegion(from: request.from, to: request.to, width: width, height: height)
                (request.width, request.height) = (width, height)
            } catch {
                throw ValidationError("--size: \(error)")
            }
        }
        return request
    }

    func run() throws {
        let environment = ProcessEnvironment.current()
        let session = try backendOptions.makeSession(environment: environment)
        let request = try request()
        StartupFile.load(into: session, environment: environment)
        do throws(PlotError) {
            try PlotDrawer(session: session, environment: environment).draw(request)
        } catch {
            var err = BufferedOutput(fileDescriptor: 2)
            err.write("complex-repl: plot: \(error)\n")
            err.flush()
            throw ExitCode(1)
        }
    }
}
