import ComplexBackends
import ComplexLanguage
import ComplexREPL

/// What `complex-repl bench` measures.
public struct BenchmarkOptions: Sendable {
    /// Backends to measure, in order.
    public var backends: [String]
    /// Timed operations per backend (the same number again untimed, for throughput).
    public var operations: Int
    /// The operation to time.
    public var operation: MathOperation
    /// With `pipeFile`: time pipe mode over this file instead of single operations.
    public var pipeFile: String?
    /// The `http` backend's server: a running one (or a balancer in front of several)
    /// at this URL, instead of one the benchmark starts.
    public var url: String?
    /// Operations in flight: for the throughput table (default `floorDepth`), and for
    /// socket backends in pipe mode (default: the backends' own).
    public var depth: Int?
    /// The C floors' pipelined strategy, so the throughput table compares like with like.
    public static let floorDepth = 64

    /// The operations in flight this run uses.
    public var effectiveDepth: Int {
        depth ?? (pipeFile == nil ? Self.floorDepth : BackendConfiguration.defaultDepth)
    }
    /// Pipe mode: lines evaluated together.
    public var window: Int

    public init(backends: [String], operations: Int, operation: MathOperation, pipeFile: String?, url: String? = nil,
                depth: Int? = nil, window: Int = PipeRunner.defaultWindow) {
        self.backends = backends
        self.operations = operations
        self.operation = operation
        self.pipeFile = pipeFile
        self.url = url
        self.depth = depth
        self.window = window
    }
}
