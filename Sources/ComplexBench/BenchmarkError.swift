/// Why a benchmark could not run.
public enum BenchmarkError: Error, Sendable, CustomStringConvertible {
    case setup(String)
    case backend(String, String)

    public var description: String {
        switch self {
        case .setup(let reason): return "bench: \(reason)"
        case .backend(let name, let reason): return "bench: backend \(name): \(reason)"
        }
    }
}
