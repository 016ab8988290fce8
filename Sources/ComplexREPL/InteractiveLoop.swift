import Glibc
import ComplexLanguage

/// The REPL on a terminal: prompt, evaluate, print, with libedit for input.
package struct InteractiveLoop {
    let session: Session
    let historyPath: String?
    let useColour: Bool
    let environment: [String: String]

    package init(session: Session, historyPath: String?, environment: [String: String]) {
        self.session = session
        self.historyPath = historyPath
        self.environment = environment
        self.useColour = TerminalColour.offReason(isTerminal: isatty(2) == 1, environment: environment) == nil
    }

    /// Runs until `:quit` or Ctrl-D; returns the exit status.
    package func run() -> Int32 {
        let session = self.session
        guard let editor = LineEditor(program: "complex-repl", historyPath: historyPath, complete: { before in
            Completer().candidates(
                for: before, variables: Array(session.interpreter.variables.keys),
                functions: Array(session.interpreter.functions.keys))
        }) else {
            printError("cannot start the line editor (libedit); pipe input instead: complex-repl < file")
            return 1
        }
        var out = BufferedOutput(fileDescriptor: 1)
        out.write("complex-repl: complex arithmetic on the \(session.interpreter.backend.name) backend. :help for help, Ctrl-D to leave.\n")
        out.flush()
        StartupFile.load(into: session, environment: environment)
        while true {
            switch editor.read(prompt: ">>> ") {
            case .endOfInput:
                out.write("\n")
                out.flush()
                return 0
            case .interrupted:
                out.write("^C\n")
                out.flush()
            case .line(let line):
                let trimmed = line.trimmingWhitespace()
                if trimmed.isEmpty { continue }
                editor.remember(line)
                if trimmed.hasPrefix(":") {
                    do throws(SessionError) {
                        switch try session.run(metaCommand: trimmed) {
                        case .quit: return 0
                        case .text(let text), .confirmation(let text): if !text.isEmpty { out.write(text + "\n") }
                        }
                    } catch {
                        printError(error.description)
                    }
                    out.flush()
                    continue
                }
                do throws(Diagnostic) {
                    if case .value(let value) = try session.interpreter.execute(line) {
                        out.write(session.format(value) + "\n")
                    }
                    out.flush()
                } catch {
                    let column = error.column(in: Array(line.utf8))
                    printError(error.message, source: line, column: column)
                }
            }
        }
    }

    func printError(_ message: String, source: String? = nil, column: Int = 0) {
        var err = BufferedOutput(fileDescriptor: 2)
        let (red, bold, reset) = useColour ? ("\u{1B}[1;31m", "\u{1B}[1m", "\u{1B}[0m") : ("", "", "")
        err.write("\(red)error:\(reset) \(message)\n")
        if let source {
            err.write("  \(source)\n  \(String(repeating: " ", count: max(column - 1, 0)))\(bold)^\(reset)\n")
        }
        err.flush()
    }
}
