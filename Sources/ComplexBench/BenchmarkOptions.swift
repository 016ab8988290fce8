import ComplexBackends
import ComplexLanguage
import ComplexREPL

/// What `complex-repl bench` measures.
package struct BenchmarkOptions: Sendable {
    /// Backends to measure, in order.
    package var backends: [String]
    /// Timed operations per backend (the same number again untimed, for throughput).
    package var operations: Int
    /// The operation to time.
    package var operation: MathOperation
    /// With `pipeFile`: time pipe mode over this file instead of single operations.
    package var pipeFile: String?
    /// The `http` backend's server: a running one (or a balancer in front of several)
    /// at this URL, instead of one the benchmark starts.
    package var url: String?
    /// Operations in flight: for the throughput table (default `floorDepth`), and for
    /// socket backends in pipe mode (default: the backends' own).
    package var depth: Int?
    /// The C floors' pipelined strategy, so the throughput table compares like with like.
    package static let floorDepth = 64

    /// The operations in flight this run uses.
    package var effectiveDepth: Int {
        depth ?? (pipeFile == nil ? Self.floorDepth : BackendConfiguration.defaultDepth)
    }
    /// Pipe mode: lines evaluated together.
    package var window: Int
    /// Pipe mode: threads for a backend that `allowsConcurrentCalls` (`local`).
    package var threads: Int

    package init(backends: [String], operations: Int, operation: MathOperation, pipeFile: String?, url: String? = nil,
                depth: Int? = nil, window: Int = PipeRunner.defaultWindow, threads: Int = PipeRunner.defaultThreads) {
        self.backends = backends
        self.operations = operations
        self.operation = operation
        self.pipeFile = pipeFile
        self.url = url
        self.depth = depth
        self.window = window
        self.threads = threads
    }
}
