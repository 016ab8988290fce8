import Glibc
import ComplexBackends
import ComplexLanguage
import ComplexREPL

/// Measures each backend through the REPL's own evaluator: warm up, time every
/// operation into a histogram, then run the same count untimed for throughput and CPU.
package final class BenchmarkRunner {
    let options: BenchmarkOptions
    let configuration: BackendConfiguration
    let progress: Bool
    /// With `pipeFile`: CPython's eval loop over the same file, lines/s, the mean of a
    /// run before the backends and one after; nil without python3.
    package private(set) var pythonLinesPerSecond: Double?

    package init(options: BenchmarkOptions, configuration: BackendConfiguration) {
        self.options = options
        self.configuration = configuration
        self.progress = isatty(2) == 1
    }

    package func run() throws(BenchmarkError) -> [BackendMeasurement] {
        let fixture = try ServerFixture()
        defer { fixture.stop() }
        var results: [BackendMeasurement] = []
        let python = options.pipeFile.map { file in { Self.countLines(file).flatMap { PythonBaseline.linesPerSecond(file: file, lines: $0) } } }
        let pythonBefore = python?()
        for name in options.backends {
            var configuration = self.configuration
            configuration.depth = options.effectiveDepth
            let type: any RegisteredBackend.Type
            do throws(BackendError) {
                type = try BackendRegistry.type(named: name)
            } catch {
                throw .setup(error.description)
            }
            switch type.argumentKind {
            case .socket:
                try fixture.start(executableDirectory: configuration.executableDirectory)
                configuration.argument = fixture.socketPath
            case .url:
                if let url = options.url {
                    configuration.argument = url
                } else {
                    try fixture.start(executableDirectory: configuration.executableDirectory)
                    configuration.argument = fixture.url(scheme: type.urlScheme ?? "http")
                }
            case .library, .command, nil:
                break  // the bundled library; the default child, complex-server --stdio
            }
            let backend: any Backend
            do throws(BackendError) {
                backend = try BackendRegistry.make(name, configuration)
            } catch {
                throw .backend(name, error.description)
            }
            if let file = options.pipeFile {
                // A backend that computes on several threads is measured on one too: what
                // a line costs, beside CPython's one thread, and then what threads add.
                if backend.allowsConcurrentCalls && options.threads > 1 {
                    results.append(try measurePipe(backend, file: file, threads: 1))
                }
                results.append(try measurePipe(backend, file: file, threads: backend.allowsConcurrentCalls ? options.threads : 1))
            } else {
                results.append(try measure(backend))
            }
        }
        clearProgress()
        if let pythonBefore, let pythonAfter = python?() {
            pythonLinesPerSecond = (pythonBefore + pythonAfter) / 2
        }
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
        let single = try Self.timed(count) { () throws(BenchmarkError) in
            for i in 0..<count {
                try evaluate(backend)
                if i & 0xFFF == 0 { report(backend.name, "one at a time", i, count) }
            }
        }
        let h = timing.histogram
        let latency = BackendMeasurement.Latency(
            p50: Double(h.valueAtPercentile(50)), p90: Double(h.valueAtPercentile(90)),
            p99: Double(h.valueAtPercentile(99)), p999: Double(h.valueAtPercentile(99.9)),
            max: Double(h.maxRecorded),
            operationsPerSecond: single.operationsPerSecond, cpuPerOperation: single.cpuPerOperation)

        // The same operations again, handed over as one batch: the backend keeps
        // `depth` of them in flight.
        let operation = options.operation
        let operands = tree.nodes.compactMap { node -> Value? in
            if case .literal(let value) = node { return value }
            return nil
        }
        let calls = Array(repeating: OperationCall(operation, operands[0], operands.count > 1 ? operands[1] : nil), count: count)
        var results: [Result<Value, OperationError>] = []
        backend.apply(Array(calls.prefix(warmUp)), into: &results)
        report(backend.name, "\(options.effectiveDepth) in flight", 0, 1)
        let pipelined = try Self.timed(count) { () throws(BenchmarkError) in
            backend.apply(calls, into: &results)
        }
        if case .failure(let error) = results.first(where: { if case .failure = $0 { return true } else { return false } }) {
            throw .backend(backend.name, error.message)
        }
        return BackendMeasurement(backend: backend.name, latency: latency, throughput: pipelined)
    }

    /// Runs `body`, which performs `operations` operations; their rate and this
    /// process's CPU time per operation.
    static func timed(_ operations: Int, _ body: () throws(BenchmarkError) -> Void) throws(BenchmarkError) -> BackendMeasurement.Throughput {
        let cpuStart = Stopwatch.cpu()
        let start = Stopwatch.now()
        try body()
        let elapsed = Double(Stopwatch.now() - start)
        let cpu = Double(Stopwatch.cpu() - cpuStart)
        let count = Double(max(operations, 1))
        return BackendMeasurement.Throughput(operationsPerSecond: count / (elapsed / 1e9), cpuPerOperation: cpu / count)
    }

    /// Pipe mode over `file`; a backend measured on more than one thread is named
    /// with their number (`local ×2`).
    func measurePipe(_ backend: any Backend, file: String, threads: Int) throws(BenchmarkError) -> BackendMeasurement {
        guard let lines = Self.countLines(file) else { throw .setup("cannot read \(file)") }
        let sink = open("/dev/null", O_WRONLY)
        defer { close(sink) }
        // An untimed first pass counts the operations (and warms the backend and its
        // server); the timed pass then runs the backend itself, as a user's pipe does. A
        // wrapper in the timed pass read the clock twice an operation: it cost `local`
        // a third of its lines per second, and kept it on one thread.
        let counting = TimingBackend(backend)
        var countingRunner = PipeRunner(session: Session(backend: counting, configuration: configuration), output: sink,
                                        window: options.window, threads: threads)
        report(backend.name, "pipe", 0, 1)
        _ = countingRunner.run(files: [file])
        let session = Session(backend: backend, configuration: configuration)
        var runner = PipeRunner(session: session, output: sink, window: options.window, threads: threads)
        var throughput = try Self.timed(counting.operations) { () throws(BenchmarkError) in
            _ = runner.run(files: [file])
        }
        throughput.linesPerSecond = Double(lines) * throughput.operationsPerSecond / Double(max(counting.operations, 1))
        return BackendMeasurement(backend: threads > 1 ? "\(backend.name) ×\(threads)" : backend.name, latency: nil, throughput: throughput)
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
        var err = BufferedOutput(fileDescriptor: 2)
        err.write("\r\u{1B}[Kbench: \(backend): \(phase) \(done)/\(total)")
        err.flush()
    }

    func clearProgress() {
        guard progress else { return }
        var err = BufferedOutput(fileDescriptor: 2)
        err.write("\r\u{1B}[K")
        err.flush()
    }
}
