import ComplexLanguage

/// What `complex-repl bench` measures.
public struct BenchmarkOptions: Sendable {
    /// Backends to measure, in order.
    public var backends: [String]
    /// Timed operations per backend (the same number again untimed, for throughput).
    public var operations: Int
    /// The operation to time.
    public var operation: Operation
    /// With `pipeFile`: time pipe mode over this file instead of single operations.
    public var pipeFile: String?
    /// The `http` backend's server: a running one (or a balancer in front of several)
    /// at this URL, instead of one the benchmark starts.
    public var url: String?

    public init(backends: [String], operations: Int, operation: Operation, pipeFile: String?, url: String? = nil) {
        self.backends = backends
        self.operations = operations
        self.operation = operation
        self.pipeFile = pipeFile
        self.url = url
    }
}
