/// The figures for one backend.
public struct BackendMeasurement: Sendable {
    /// One operation at a time: latency percentiles in nanoseconds, and the rate and
    /// this process's CPU time (user + system) per operation over an untimed run.
    public struct Latency: Sendable {
        public var p50: Double, p90: Double, p99: Double, p999: Double, max: Double
        public var operationsPerSecond: Double
        public var cpuPerOperation: Double
    }

    /// Many operations in flight (`depth`), or pipe mode over a file (`lines`).
    public struct Throughput: Sendable {
        public var operationsPerSecond: Double
        /// This process's CPU time per operation, in nanoseconds.
        public var cpuPerOperation: Double
        /// Pipe mode only: lines evaluated per second.
        public var linesPerSecond: Double?
    }

    public var backend: String
    public var latency: Latency?
    public var throughput: Throughput?
}
