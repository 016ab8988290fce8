import ArgumentParser
import ComplexBackends
import ComplexBench
import ComplexLanguage
import ComplexREPL
import Glibc

/// `complex-repl bench`: parses arguments, runs `BenchmarkRunner`, prints the report.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure what one operation costs through each backend, side by side.",
        discussion: """
            Drives the REPL's own evaluator and backends. For each backend it warms up, times every operation one at a time (p50 … max), runs the same count untimed for operations per second and this process's CPU time per operation, then hands the same count over as one batch, with --depth operations in flight, for throughput. With --pipe FILE it times pipe-mode evaluation of the file instead (lines/s), and CPython's own eval loop over the same file before and after, for each backend's ratio to it (when python3 is on the PATH). The servers it needs are started on a private socket path and stopped afterwards.
            """
    )

    @Option(help: ArgumentHelp("Comma-separated backends.", valueName: "list"))
    var backends: String = BackendRegistry.names.joined(separator: ",")

    @Option(help: ArgumentHelp("Timed operations per backend.", valueName: "n"))
    var ops: Int = 20_000

    @Option(help: ArgumentHelp("The operation: \(MathOperation.allCases.map(\.rawValue).joined(separator: " ")).", valueName: "name"))
    var op: String = "add"

    @Option(help: ArgumentHelp("Time pipe-mode evaluation of FILE through each backend instead (lines/s).", valueName: "file"))
    var pipe: String?

    @Option(help: ArgumentHelp("Operations in flight for the throughput table (default \(BenchmarkOptions.floorDepth), as the C floors), and for the server backends in pipe mode (default \(BackendConfiguration.defaultDepth)).", valueName: "d"))
    var depth: Int?

    @Option(help: ArgumentHelp("With --pipe: lines evaluated together (complex-repl --window).", valueName: "n"))
    var window: Int = PipeRunner.defaultWindow

    @Option(help: ArgumentHelp("With --pipe: threads for the local backend (complex-repl --threads; default \(PipeRunner.defaultThreads) here).", valueName: "n"))
    var threads: Int = PipeRunner.defaultThreads

    @Flag(help: "Print the figures as JSON.")
    var json = false

    @Option(help: ArgumentHelp("Also write the chart as an SVG image to FILE.", valueName: "file"))
    var svg: String?

    @Option(help: ArgumentHelp("Measure the http or grpc backend against the server at URL (e.g. nginx in front of several, scripts/cluster-demo) instead of one of its own.", valueName: "url"))
    var url: String?

    func validate() throws {
        guard MathOperation(rawValue: op) != nil else {
            throw ValidationError("--op \(op): unknown; operations: \(MathOperation.allCases.map(\.rawValue).joined(separator: " "))")
        }
        guard ops >= 1 else { throw ValidationError("--ops wants a positive count") }
        guard (depth ?? 1) >= 1 else { throw ValidationError("--depth wants a positive number of operations in flight, e.g. --depth 64") }
        guard window >= 1 else { throw ValidationError("--window wants a positive number of lines, e.g. --window 1024") }
        if let problem = PipeRunner.threadsProblem(threads) { throw ValidationError(problem) }
        for name in backends.split(separator: ",") {
            do throws(BackendError) {
                _ = try BackendRegistry.type(named: String(name))
            } catch {
                throw ValidationError("--backends: \(error.description)")
            }
        }
    }

    func run() throws {
        let options = BenchmarkOptions(
            backends: backends.split(separator: ",").map(String.init),
            operations: ops,
            operation: MathOperation(rawValue: op)!,
            pipeFile: pipe,
            url: url,
            depth: depth,
            window: window,
            threads: threads)
        let configuration = BackendConfiguration(
            executableDirectory: ExecutableLocation.directory(),
            environment: ProcessEnvironment.current())
        let measurements: [BackendMeasurement]
        let runner = BenchmarkRunner(options: options, configuration: configuration)
        do {
            measurements = try runner.run()
        } catch {
            var err = BufferedOutput(fileDescriptor: 2)
            err.write("\(error.description)\n")
            err.flush()
            throw ExitCode(1)
        }
        let report = BenchmarkReport(measurements: measurements, options: options, pythonLinesPerSecond: runner.pythonLinesPerSecond)
        var out = BufferedOutput(fileDescriptor: 1)
        out.write((json ? report.json() : report.text()) + "\n")
        out.flush()
        if let svg {
            let fd = open(svg, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw ValidationError("--svg: cannot write \(svg): \(String(cString: strerror(errno)))") }
            var file = BufferedOutput(fileDescriptor: fd)
            file.write(report.svg())
            file.flush()
            close(fd)
        }
    }
}
