import ComplexBackends
import ComplexLanguage
import ComplexPlot

/// The state of one REPL or pipe run: the interpreter, how results are shown, and how
/// backends are created. Shared by the interactive loop and pipe mode.
package final class Session {
    /// What a meta-command asks the caller to do.
    package enum MetaOutcome: Equatable, Sendable {
        /// Output the user asked for (`:help`, `:vars`, `:backend`).
        case text(String)
        /// Confirmation of a change of settings; pipe mode does not print it.
        case confirmation(String)
        case quit
    }

    package let interpreter: Interpreter
    package var formatter = ValueFormatter()
    /// Used when `:backend` switches; its `argument` is replaced by the command's.
    package var configuration: BackendConfiguration

    package init(backend: any Backend, configuration: BackendConfiguration) {
        self.interpreter = Interpreter(backend: backend)
        self.configuration = configuration
    }

    /// Formats a value as the current display settings say.
    package func format(_ value: Value) -> String {
        formatter.string(value)
    }

    /// Carries out a line starting with `:`.
    package func run(metaCommand line: String) throws(SessionError) -> MetaOutcome {
        switch try MetaCommand(parsing: line) {
        case .help:
            return .text(Self.help)
        case .quit:
            return .quit
        case .variables:
            var lines = interpreter.variables.keys.sorted().map { "\($0) = \(format(interpreter.variables[$0]!))" }
            if let last = interpreter.lastResult { lines.append("ans = \(format(last))") }
            lines += interpreter.functions.keys.sorted().map { interpreter.functions[$0]!.source }
            return .text(lines.isEmpty ? "no variables or functions yet (assign one: x = 1+2j; define one: f(z) = z**2 + 1)" : lines.joined(separator: "\n"))
        case .polar:
            formatter.style = .polar
            return .confirmation("showing complex results in polar form, r∠θ (θ in radians)")
        case .rectangular:
            formatter.style = .rectangular
            return .confirmation("showing complex results in rectangular form, (a+bj)")
        case .precision(let digits):
            formatter.significantDigits = digits
            if let digits { return .confirmation("showing \(digits) significant digits") }
            return .confirmation("showing the shortest digits that round-trip")
        case .backend(nil, _):
            let current = interpreter.backend
            let list = BackendRegistry.all.map { type in
                "  \(type.registryName == current.name ? "*" : " ") \(type.registryName.padding(7)) \(type.help)"
            }
            return .text((["backend: \(current.summary)"] + list).joined(separator: "\n"))
        case .plot(let request):
            do throws(PlotError) {
                try PlotDrawer(session: self, environment: configuration.environment).draw(request)
            } catch {
                throw .plot(error)
            }
            return .confirmation("")
        case .backend(let name?, let argument):
            var configuration = self.configuration
            configuration.argument = argument
            do throws(BackendError) {
                interpreter.backend = try BackendRegistry.make(name, configuration)
            } catch {
                throw .backend(error)
            }
            return .confirmation("backend: \(interpreter.backend.summary)")
        }
    }

    /// The width `:help` keeps within, so that an 80-column terminal wraps no word.
    static let helpWidth = 78

    /// `words` separated by spaces, in lines of at most `helpWidth` columns, every line
    /// after the first indented by `indent`.
    static func wrapped(_ words: [String], indent: Int) -> String {
        var lines: [String] = [""]
        for word in words {
            let current = lines[lines.count - 1]
            if !current.isEmpty && indent + current.count + 1 + word.count > helpWidth {
                lines.append(word)
            } else {
                lines[lines.count - 1] = current.isEmpty ? word : current + " " + word
            }
        }
        return lines.joined(separator: "\n" + String(repeating: " ", count: indent))
    }

    package static let help = """
        Type an expression to evaluate it; every operation goes to the current backend.
          numbers    3  2.5  1e-3  .5   imaginary: 3j 2.5e3i
          constants  \(wrapped(Parser.constants.keys.sorted(), indent: 13))
          operators  + - * / ** (also ^)   with Python's precedence; -2**2 is -4
          functions  \(wrapped(MathOperation.functionNames, indent: 13))
                     as Python's cmath; log(z, base), rect(r, phi), complex(re, im)
          variables  x = 1+2j   then x*2;  ans and _ hold the last result;  # comment
          your own   f(z) = z**2 + 1   then f(1+2j);  g(z, w) = z*w - conj(w)
        Commands:
          :help                 this text
          :vars                 variables, the last result and your functions
          :plot EXPR [Z1 Z2]    a picture of EXPR in z; :plot EXPR [Z1 Z2] > FILE.png
          :backend [NAME [ARG]] show the backend, or switch (e.g. :backend local)
          :polar / :rect        show complex results as r∠θ or as (a+bj)
          :precision [N]        N significant digits; alone: shortest round-trip
          :quit                 leave (also Ctrl-D)
        Keys: arrows edit and recall, Ctrl-R searches history, Tab completes,
          Ctrl-C drops the line.
        """
}
