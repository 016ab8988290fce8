import ArgumentParser
import ComplexBackends
import ComplexLanguage
import ComplexREPL
import Glibc

/// `complex-repl`: parses arguments and wires the session to the right front end.
struct ComplexREPLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complex-repl",
        abstract: "Evaluate complex-number arithmetic interactively or in pipelines.",
        discussion: """
            With no FILE and a terminal on stdin, starts the REPL (libedit: history, Ctrl-R, Tab; :help inside).

            With FILEs, or piped stdin, evaluates each line and prints one result per line; errors go to stderr as FILE:LINE:COLUMN: error: MESSAGE, and the exit status is 1 when any line failed.

            Every arithmetic operation goes to the chosen backend: \(BackendRegistry.names.joined(separator: ", ")).

            History: $COMPLEX_REPL_HISTORY, else $XDG_STATE_HOME/complex-repl/history, else ~/.local/state/complex-repl/history (an empty COMPLEX_REPL_HISTORY disables it).

            Startup file (interactive sessions and plots): $COMPLEX_REPL_STARTUP, else $XDG_CONFIG_HOME/complex-repl/startup, else ~/.config/complex-repl/startup.

            'complex-repl plot EXPR' draws a picture of an expression in z ('complex-repl plot --help'); 'complex-repl bench' measures what an operation costs through each backend ('complex-repl bench --help'). Files named plot or bench are ./plot and ./bench.
            """,
        version: PackageVersion.current
    )

    enum DemoOperation: String, EnumerableFlag {
        case add, sub, mul, div
        static func help(for value: Self) -> ArgumentHelp? {
            "The original demo's interface: print ARG1 \(value.rawValue) ARG2."
        }
    }

    // .unconditional: an expression may start with '-' (-e '-1+2j'), which must not be
    // read as an option.
    @Option(name: [.customShort("e"), .long], parsing: .unconditionalSingleValue, help: ArgumentHelp("Evaluate EXPRESSION, print the result and exit (repeatable).", valueName: "expression"))
    var expression: [String] = []

    @OptionGroup var backendOptions: BackendOptions

    @Option(help: ArgumentHelp("Lines of a file or pipe evaluated together, their operations in flight at once (1: one line at a time).", valueName: "n"))
    var window: Int = PipeRunner.defaultWindow

    @Option(help: ArgumentHelp("Threads that evaluate a file or pipe with the local backend, each a part of every window (default \(PipeRunner.defaultThreads) here: the processors, up to \(PipeRunner.maximumThreads); 1: this thread only).", valueName: "n"))
    var threads: Int = PipeRunner.defaultThreads

    @Flag(help: ArgumentHelp("The original demo's operation flags."))
    var demoOperation: DemoOperation?

    @Option(name: .customLong("arg1"), parsing: .unconditional, help: ArgumentHelp("First operand for --add/--sub/--mul/--div, as Python's complex() reads it: 1+3j, -5j, (1-2j), 1e3, inf.", valueName: "complex"))
    var arg1: String?

    @Option(name: .customLong("arg2"), parsing: .unconditional, help: ArgumentHelp("Second operand for --add/--sub/--mul/--div, as --arg1.", valueName: "complex"))
    var arg2: String?

    @Argument(help: ArgumentHelp("Files of expressions, one per line ('-' is stdin).", valueName: "file"))
    var files: [String] = []

    func validate() throws {
        // ArgumentParser validates the group itself; `QuickArguments` calls this alone.
        try backendOptions.validate()
        if demoOperation != nil && (arg1 == nil || arg2 == nil) {
            throw ValidationError("--\(demoOperation!.rawValue) needs --arg1 and --arg2, e.g. --add --arg1 1+3j --arg2 -5j")
        }
        _ = try demoOperands()
        if window < 1 {
            throw ValidationError("--window wants a positive number of lines, e.g. --window 1024 (1: one line at a time)")
        }
        if let problem = PipeRunner.threadsProblem(threads) { throw ValidationError(problem) }
        if demoOperation == nil && (arg1 != nil || arg2 != nil) {
            throw ValidationError("--arg1/--arg2 go with one of --add, --sub, --mul, --div")
        }
    }

    /// --arg1 and --arg2 as the demo reads them, with Python's complex(str).
    func demoOperands() throws -> (ComplexNumber, ComplexNumber)? {
        guard let arg1, let arg2 else { return nil }
        var values: [ComplexNumber] = []
        for (flag, text) in [("--arg1", arg1), ("--arg2", arg2)] {
            do throws(ComplexNumber.MalformedString) {
                values.append(try ComplexNumber(pythonString: text))
            } catch {
                throw ValidationError("\(flag): \(error)")
            }
        }
        return (values[0], values[1])
    }

    func run() throws {
        let status = try start()
        if status != 0 { throw ExitCode(status) }
    }

    /// Chooses the front end from the arguments and runs it; returns the exit status.
    func start() throws -> Int32 {
        let environment = ProcessEnvironment.current()
        let session = try backendOptions.makeSession(environment: environment)
        var runner = PipeRunner(session: session, window: window, threads: threads)

        if let demoOperation, let (first, second) = try demoOperands() {
            return runner.runDemoOperation(MathOperation(rawValue: demoOperation.rawValue)!, first, second)
        }
        if !expression.isEmpty {
            for (index, text) in expression.enumerated() {
                var copy = text
                copy.withUTF8 { runner.evaluate($0, name: "-e", line: index + 1) }
            }
            return runner.finish()
        }
        if !files.isEmpty {
            return runner.run(files: files)
        }
        if isatty(0) == 1 {
            let loop = InteractiveLoop(
                session: session,
                historyPath: HistoryLocation.path(environment: environment),
                environment: environment)
            return loop.run()
        }
        return runner.run(files: ["-"])
    }
}
