import ComplexLanguage
import Synchronization

/// How long one transport's requests took, from the read that brought each to its
/// answer: a Prometheus histogram counted here rather than through a swift-metrics
/// `Timer`. A read answers many pipelined requests, all of the same duration, and adds
/// them in one step (`record(nanoseconds:count:)`); a `Timer` took its lock and walked
/// its buckets once per request, a tenth of a pipelining socket server's instructions
/// (callgrind). `/metrics` shows it after swift-metrics' families, in the same format
/// and with the same series as the `Timer` had.
final class RequestDurationHistogram: Sendable {
    /// The family's name.
    static let name = "complex_server_request_duration_seconds"

    /// The buckets' upper bounds, in nanoseconds, with their `le` labels as the series
    /// have always been named. A request takes tens of microseconds: swift-prometheus's
    /// default buckets (5 ms up) would put every one in the first.
    static let buckets: [(nanoseconds: Int64, label: StaticString)] = [
        (10_000, "0.00001"), (25_000, "0.000025"), (50_000, "0.00005"), (100_000, "0.0001"), (250_000, "0.00025"),
        (500_000, "0.0005"), (1_000_000, "0.001"), (5_000_000, "0.005"), (25_000_000, "0.025"), (100_000_000, "0.1"),
        (1_000_000_000, "1.0"),
    ]

    struct State {
        /// Requests by bucket, not cumulative; the last counts those over every bound.
        var counts = [Int](repeating: 0, count: RequestDurationHistogram.buckets.count + 1)
        var nanoseconds: Int64 = 0
        var count = 0
    }

    /// The `transport` label's value.
    let transport: String
    let state = Mutex(State())

    init(transport: String) {
        self.transport = transport
    }

    /// Counts `count` requests that each took `nanoseconds`.
    func record(nanoseconds: Int64, count: Int) {
        guard count > 0 else { return }
        let duration = max(nanoseconds, 0)
        var bucket = 0
        while bucket < Self.buckets.count && duration > Self.buckets[bucket].nanoseconds { bucket += 1 }
        state.withLock { state in
            state.counts[bucket] += count
            state.nanoseconds &+= duration &* Int64(count)
            state.count += count
        }
    }

    /// Appends the family: its `# TYPE` line, then each histogram's series.
    static func appendFamily(_ histograms: [RequestDurationHistogram], to out: inout [UInt8]) {
        out.append(contentsOf: "# TYPE \(name) histogram\n".utf8)
        for histogram in histograms { histogram.appendSeries(to: &out) }
    }

    /// `_bucket` (cumulative, then `+Inf`), `_sum` in seconds and `_count`.
    func appendSeries(to out: inout [UInt8]) {
        let state = self.state.withLock { $0 }
        let labels = Array("{transport=\"\(transport)\"".utf8)
        var cumulative = 0
        for (index, bucket) in Self.buckets.enumerated() {
            cumulative += state.counts[index]
            out.append(contentsOf: "\(Self.name)_bucket".utf8)
            out.append(contentsOf: labels)
            out.appendLiteral(",le=\"")
            out.appendLiteral(bucket.label)
            out.appendLiteral("\"} ")
            out.appendDecimal(UInt64(cumulative))
            out.append(UInt8(ascii: "\n"))
        }
        out.append(contentsOf: "\(Self.name)_bucket".utf8)
        out.append(contentsOf: labels)
        out.append(contentsOf: ",le=\"+Inf\"} \(state.count)\n".utf8)
        out.append(contentsOf: "\(Self.name)_sum".utf8)
        out.append(contentsOf: labels)
        out.append(contentsOf: "} \(Double(state.nanoseconds) / 1e9)\n".utf8)
        out.append(contentsOf: "\(Self.name)_count".utf8)
        out.append(contentsOf: labels)
        out.append(contentsOf: "} \(state.count)\n".utf8)
    }
}
