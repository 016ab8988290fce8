import ComplexBackends

/// A REPL command starting with `:`.
package enum MetaCommand: Equatable, Sendable {
    case help
    case quit
    case variables
    /// `:backend` shows; `:backend NAME [ARGUMENT]` switches (for `stdio`, the
    /// argument is the rest of the line: a command and its arguments).
    case backend(name: String?, argument: String?)
    case polar
    case rectangular
    /// `:precision N`, or `:precision` alone for shortest round-trip digits.
    case precision(Int?)
    /// `:plot EXPR [Z1 Z2] [> FILE.png]`.
    case plot(PlotRequest)

    /// Every command word, for completion and help.
    package static let words = [":help", ":quit", ":vars", ":backend", ":polar", ":rect", ":precision", ":plot"]

    /// Parses a line that starts with `:`.
    package init(parsing line: String) throws(SessionError) {
        let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let word = parts.first else { throw .unknownCommand(line) }
        let arguments = Array(parts.dropFirst())
        func noArguments() throws(SessionError) {
            if !arguments.isEmpty { throw .badArguments(word, "takes no arguments") }
        }
        if word == ":plot" {
            self = .plot(try PlotRequest(parsing: line.drop(while: { $0 == " " || $0 == "\t" }).dropFirst(word.count)))
            return
        }
        switch word {
        case ":help", ":h", ":?":
            try noArguments(); self = .help
        case ":quit", ":q", ":exit":
            try noArguments(); self = .quit
        case ":vars", ":variables":
            try noArguments(); self = .variables
        case ":polar":
            try noArguments(); self = .polar
        case ":rect", ":rectangular":
            try noArguments(); self = .rectangular
        case ":backend":
            if let name = arguments.first, (try? BackendRegistry.type(named: name))?.argumentKind == .command {
                // `:backend stdio python3 worker.py --fast`: the rest of the line is the command.
                let afterWord = line.drop(while: { $0 == " " || $0 == "\t" }).dropFirst(word.count)
                let rest = afterWord.drop(while: { $0 == " " || $0 == "\t" }).dropFirst(name.count)
                let command = rest.trimmingWhitespace()
                self = .backend(name: name, argument: command.isEmpty ? nil : command)
                return
            }
            guard arguments.count <= 2 else {
                throw .badArguments(word, "takes a backend name and at most one argument, e.g. :backend ipc /tmp/complex.sock")
            }
            self = .backend(name: arguments.first, argument: arguments.count > 1 ? arguments[1] : nil)
        case ":precision":
            guard arguments.count <= 1 else { throw .badArguments(word, "takes one number, e.g. :precision 6") }
            guard let text = arguments.first else { self = .precision(nil); return }
            guard let digits = Int(text), (1...17).contains(digits) else {
                throw .badArguments(word, "wants a number of significant digits from 1 to 17, got '\(text)'")
            }
            self = .precision(digits)
        default:
            throw .unknownCommand(word)
        }
    }
}
