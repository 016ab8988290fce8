import ComplexREPL

/// The everyday invocations of `complex-repl`, read without swift-argument-parser.
///
/// ArgumentParser builds its model of a command by reflection, and with the Swift
/// runtime linked into the executable its first protocol-conformance lookups scan the
/// conformance records of everything linked in (then NIO, and Foundation): under callgrind, 10
/// of the 14 million instructions of `complex-repl -e 1+1`. This reader knows only the
/// options below, each given once (`-e` any number of times), and returns nil for
/// anything else: `--help`, `--version`, completion scripts, `--`, a repeated,
/// unknown or incomplete option. ArgumentParser then reads the arguments as before,
/// with its usual help and errors. `QuickArgumentsTests` checks that for every
/// invocation this reader accepts, ArgumentParser reads the same command.
enum QuickArguments {
    static func command(from arguments: [String]) -> ComplexREPLCommand? {
        var expressions: [String] = []
        var single: [String: String] = [:]
        var demoOperation: ComplexREPLCommand.DemoOperation?
        var files: [String] = []
        var index = 0
        while index < arguments.count {
            var argument = arguments[index]
            var attached: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                attached = String(argument[argument.index(after: equals)...])
                argument = String(argument[..<equals])
            }
            /// The option's value: attached with `=`, or the next argument. Options
            /// read `.unconditional`ly take any next argument; the others refuse one
            /// that looks like an option, as ArgumentParser does.
            func value(unconditional: Bool) -> String? {
                if let attached { return attached }
                index += 1
                guard index < arguments.count else { return nil }
                let next = arguments[index]
                return unconditional || !next.hasPrefix("-") ? next : nil
            }
            switch argument {
            case "-e", "--expression":
                guard let text = value(unconditional: true) else { return nil }
                expressions.append(text)
            case "--backend", "--socket", "--url", "--library", "--command", "--arg1", "--arg2", "--window", "--threads":
                let unconditional = argument == "--arg1" || argument == "--arg2"
                guard single[argument] == nil, let text = value(unconditional: unconditional) else { return nil }
                single[argument] = text
            case "--add", "--sub", "--mul", "--div":
                guard attached == nil, demoOperation == nil else { return nil }
                demoOperation = ComplexREPLCommand.DemoOperation(rawValue: String(argument.dropFirst(2)))
            case "-":
                files.append(argument)
            default:
                guard !argument.hasPrefix("-") else { return nil }
                files.append(argument)
            }
            index += 1
        }
        var command = ComplexREPLCommand()
        command.expression = expressions
        command.backendOptions = .given(
            backend: single["--backend"], socket: single["--socket"], url: single["--url"], library: single["--library"],
            command: single["--command"])
        command.demoOperation = demoOperation
        command.arg1 = single["--arg1"]
        command.arg2 = single["--arg2"]
        command.window = PipeRunner.defaultWindow
        if let text = single["--window"] {
            guard let window = Int(text), window >= 1 else { return nil }  // ArgumentParser says why
            command.window = window
        }
        command.threads = PipeRunner.defaultThreads
        if let text = single["--threads"] {
            guard let threads = Int(text), PipeRunner.threadsProblem(threads) == nil else { return nil }  // ArgumentParser says why
            command.threads = threads
        }
        command.files = files
        return command
    }
}
