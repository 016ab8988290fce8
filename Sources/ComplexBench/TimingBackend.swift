import ComplexLanguage
import Histogram

/// Wraps a backend and records how long each single `apply` takes: the evaluator calls
/// it exactly as it calls any backend, so what is timed is the backend call itself.
/// Batches are passed through untimed (an operation in flight with others has no
/// latency of its own) and counted.
final class TimingBackend: Backend {
    let inner: any Backend
    var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    /// Operations handed over, singly or in batches.
    var operations = 0

    init(_ inner: any Backend) {
        self.inner = inner
    }

    var name: String { inner.name }
    var summary: String { inner.summary }
    var pipelines: Bool { inner.pipelines }

    func apply(_ operation: MathOperation, _ a: Value, _ b: Value?) throws(OperationError) -> Value {
        operations += 1
        let start = Stopwatch.now()
        defer { _ = histogram.record(Stopwatch.now() - start) }
        return try inner.apply(operation, a, b)
    }

    func apply(_ calls: [OperationCall], into results: inout [Result<Value, OperationError>]) {
        operations += calls.count
        inner.apply(calls, into: &results)
    }
}
