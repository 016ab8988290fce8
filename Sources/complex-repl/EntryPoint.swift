/// Dispatches `complex-repl bench ...` to the benchmark, anything else to the REPL.
///
/// ArgumentParser would read `bench` as the REPL's first FILE argument, so the
/// subcommand is chosen here by its first word.
@main
enum EntryPoint {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "bench" {
            BenchCommand.main(Array(arguments.dropFirst()))
        } else {
            ComplexREPLCommand.main(arguments)
        }
    }
}
