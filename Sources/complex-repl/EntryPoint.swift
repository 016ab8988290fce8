import ArgumentParser
import Glibc

/// Dispatches `complex-repl bench ...` to the benchmark, anything else to the REPL:
/// the everyday invocations through `QuickArguments`, which keeps start-up short, the
/// rest through ArgumentParser.
///
/// ArgumentParser would read `bench` as the REPL's first FILE argument, so the
/// subcommand is chosen here by its first word.
@main
enum EntryPoint {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "bench" {
            BenchCommand.main(Array(arguments.dropFirst()))
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
}
