/// The figures for one backend.
package struct BackendMeasurement: Sendable {
    /// One operation at a time: latency percentiles in nanoseconds, and the rate and
    /// this process's CPU time (user + system) per operation over an untimed run.
    package struct Latency: Sendable {
        package var p50: Double, p90: Double, p99: Double, p999: Double, max: Double
        package var operationsPerSecond: Double
        package var cpuPerOperation: Double
    }

    /// Many operations in flight (`depth`), or pipe mode over a file (`lines`).
    package struct Throughput: Sendable {
        package var operationsPerSecond: Double
        /// This process's CPU time per operation, in nanoseconds.
        package var cpuPerOperation: Double
        /// Pipe mode only: lines evaluated per second.
        package var linesPerSecond: Double?
    }

    package var backend: String
    package var latency: Latency?
    package var throughput: Throughput?
}
