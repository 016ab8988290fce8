/// Why a benchmark could not run.
package enum BenchmarkError: Error, Sendable, CustomStringConvertible {
    case setup(String)
    case backend(String, String)

    package var description: String {
        switch self {
        case .setup(let reason): return "bench: \(reason)"
        case .backend(let name, let reason): return "bench: backend \(name): \(reason)"
        }
    }
}
