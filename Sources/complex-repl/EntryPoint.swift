import ArgumentParser
import Glibc

/// Dispatches `complex-repl bench ...` to the benchmark, `complex-repl [backend
/// options] plot ...` to the plot, anything else to the REPL: the everyday invocations
/// through `QuickArguments`, which keeps start-up short, the rest through ArgumentParser.
///
/// ArgumentParser would read `bench` or `plot` as the REPL's first FILE argument, so
/// the subcommand is chosen here by its word.
@main
enum EntryPoint {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "bench" {
            BenchCommand.main(Array(arguments.dropFirst()))
        } else if let word = plotWord(in: arguments) {
            var rest = arguments
            rest.remove(at: word)
            PlotCommand.main(rest)
        } else if let command = QuickArguments.command(from: arguments) {
            do {
                try command.validate()
                try command.run()
            } catch let code as ExitCode {
                exit(code.rawValue)
            } catch {
                ComplexREPLCommand.exit(withError: error)
            }
        } else {
            ComplexREPLCommand.main(arguments)
        }
    }

    /// Where `plot` stands when it is the first word after the backend options.
    static func plotWord(in arguments: [String]) -> Int? {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if ["--backend", "--socket", "--url", "--library", "--command"].contains(argument) {
                index += 2
            } else if ["--backend=", "--socket=", "--url=", "--library=", "--command="].contains(where: { argument.hasPrefix($0) }) {
                index += 1
            } else {
                return argument == "plot" ? index : nil
            }
        }
        return nil
    }
}
