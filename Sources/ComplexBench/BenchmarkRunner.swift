#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ComplexBackends
import ComplexLanguage
import ComplexREPL

/// Measures each backend through the REPL's own evaluator: warm up, time every
/// operation into a histogram, then run the same count untimed for throughput and CPU.
public final class BenchmarkRunner {
    let options: BenchmarkOptions
    let configuration: BackendConfiguration
    let progress: Bool

    public init(options: BenchmarkOptions, configuration: BackendConfiguration) {
        self.options = options
        self.configuration = configuration
        self.progress = isatty(2) == 1
    }

    public func run() throws(BenchmarkError) -> [BackendMeasurement] {
        let fixture = try ServerFixture()
        defer { fixture.stop() }
        var results: [BackendMeasurement] = []
        for name in options.backends {
            var configuration = self.configuration
            if BackendRegistry.all.first(where: { $0.registryName == name }) == nil {
                throw .backend(name, "unknown; available: \(BackendRegistry.names.joined(separator: ", "))")
            }
            if name == IPCBackend.registryName {
                try fixture.start(executableDirectory: configuration.executableDirectory)
                configuration.argument = fixture.socketPath
            } else if name == HTTPBackend.registryName {
                if let url = options.url {
                    configuration.argument = url
                } else {
                    try fixture.start(executableDirectory: configuration.executableDirectory)
                    configuration.argument = fixture.url
                }
            }
            let backend: any Backend
            do throws(BackendError) {
                backend = try BackendRegistry.make(name, configuration)
            } catch {
                throw .backend(name, error.description)
            }
            if let file = options.pipeFile {
                results.append(try measurePipe(backend, file: file))
            } else {
                results.append(try measure(backend))
            }
        }
        clearProgress()
        return results
    }

    /// The tree the evaluator walks: exactly one operation, on literal complex operands
    /// (a parsed `(1.5-2j)` would itself be a subtraction).
    func tree() -> SyntaxTree {
        let op = options.operation
        var nodes: [SyntaxTree.Node] = [.literal(.complex(ComplexNumber(1.5, -2)))]
        if op.arity.lowerBound == 2 { nodes.append(.literal(.complex(ComplexNumber(0.25, 3)))) }
        nodes.append(.operation(op, lhs: 0, rhs: op.arity.lowerBound == 2 ? 1 : nil, offset: 0))
        return SyntaxTree(nodes: nodes, statement: .expression)
    }

    func measure(_ backend: any Backend) throws(BenchmarkError) -> BackendMeasurement {
        let tree = tree()
        var evaluator = Evaluator()
        let timing = TimingBackend(backend)
        let count = options.operations
        let noVariables: (String) -> Value? = { _ in nil }

        func evaluate(_ target: any Backend) throws(BenchmarkError) {
            do throws(Diagnostic) {
                _ = try evaluator.evaluate(tree, backend: target, lookup: noVariables)
            } catch {
                throw .backend(backend.name, error.message)
            }
        }

        let warmUp = max(count / 10, 100)
        for i in 0..<warmUp {
            try evaluate(backend)
            report(backend.name, "warm-up", i, warmUp)
        }
        for i in 0..<count {
            try evaluate(timing)
            report(backend.name, "latency", i, count)
        }
        let cpuStart = Stopwatch.cpu()
        let start = Stopwatch.now()
        for i in 0..<count {
            try evaluate(backend)
            if i & 0xFFF == 0 { report(backend.name, "throughput", i, count) }
        }
        let elapsed = Double(Stopwatch.now() - start)
        let cpu = Double(Stopwatch.cpu() - cpuStart)
        let h = timing.histogram
        return BackendMeasurement(
            backend: backend.name,
            p50: Double(h.valueAtPercentile(50)), p90: Double(h.valueAtPercentile(90)),
            p99: Double(h.valueAtPercentile(99)), p999: Double(h.valueAtPercentile(99.9)),
            max: Double(h.maxRecorded),
            operationsPerSecond: Double(count) / (elapsed / 1e9),
            cpuPerOperation: cpu / Double(count),
            linesPerSecond: nil)
    }

    func measurePipe(_ backend: any Backend, file: String) throws(BenchmarkError) -> BackendMeasurement {
        guard let lines = Self.countLines(file) else { throw .setup("cannot read \(file)") }
        let sink = open("/dev/null", O_WRONLY)
        defer { close(sink) }
        let timing = TimingBackend(backend)
        let session = Session(backend: timing, configuration: configuration)
        var runner = PipeRunner(session: session, output: sink)
        report(backend.name, "pipe", 0, 1)
        let cpuStart = Stopwatch.cpu()
        let start = Stopwatch.now()
        _ = runner.run(files: [file])
        let elapsed = Double(Stopwatch.now() - start)
        let cpu = Double(Stopwatch.cpu() - cpuStart)
        let h = timing.histogram
        let operations = Double(max(h.totalCount, 1))
        return BackendMeasurement(
            backend: backend.name,
            p50: Double(h.valueAtPercentile(50)), p90: Double(h.valueAtPercentile(90)),
            p99: Double(h.valueAtPercentile(99)), p999: Double(h.valueAtPercentile(99.9)),
            max: Double(h.maxRecorded),
            operationsPerSecond: operations / (elapsed / 1e9),
            cpuPerOperation: cpu / operations,
            linesPerSecond: Double(lines) / (elapsed / 1e9))
    }

    static func countLines(_ path: String) -> Int? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var lines = 0
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            for byte in buffer[..<n] where byte == 0x0A { lines += 1 }
        }
        return lines
    }

    func report(_ backend: String, _ phase: String, _ done: Int, _ total: Int) {
        guard progress, done % 2000 == 0 else { return }
        var err = OutputStream(fileDescriptor: 2)
        err.write("\r\u{1B}[Kbench: \(backend): \(phase) \(done)/\(total)")
        err.flush()
    }

    func clearProgress() {
        guard progress else { return }
        var err = OutputStream(fileDescriptor: 2)
        err.write("\r\u{1B}[K")
        err.flush()
    }
}
