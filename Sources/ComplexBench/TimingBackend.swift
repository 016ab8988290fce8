import ComplexLanguage
import Histogram

/// Wraps a backend and records how long each `apply` takes: the evaluator calls it
/// exactly as it calls any backend, so what is timed is the backend call itself.
final class TimingBackend: Backend {
    let inner: any Backend
    var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)

    init(_ inner: any Backend) {
        self.inner = inner
    }

    var name: String { inner.name }
    var summary: String { inner.summary }

    func apply(_ operation: Operation, _ a: Value, _ b: Value?) throws(OperationError) -> Value {
        let start = Stopwatch.now()
        defer { _ = histogram.record(Stopwatch.now() - start) }
        return try inner.apply(operation, a, b)
    }
}
