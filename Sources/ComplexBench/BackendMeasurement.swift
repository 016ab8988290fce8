/// The figures for one backend.
public struct BackendMeasurement: Sendable {
    public var backend: String
    /// Latency percentiles of one operation through the backend, in nanoseconds.
    public var p50: Double, p90: Double, p99: Double, p999: Double, max: Double
    /// Operations per second over the untimed run.
    public var operationsPerSecond: Double
    /// This process's CPU time (user + system) per operation, in nanoseconds.
    public var cpuPerOperation: Double
    /// Pipe mode only: lines evaluated per second.
    public var linesPerSecond: Double?
}
