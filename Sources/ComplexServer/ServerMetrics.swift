import ComplexLanguage
import CoreMetrics
import Synchronization

/// What complex-server counts, through swift-metrics: the executable bootstraps the
/// Prometheus backend and `GET /metrics` shows it; without a backend every metric is
/// swift-metrics' no-op. Every metric is made once, when the server starts (an error
/// code's counter on the code's first occurrence), so a request costs a few increments
/// and one histogram observation, never a lookup by name.
final class ServerMetrics: Sendable {
    /// The metrics of one transport (`socket` or `http`).
    final class Transport: Sendable {
        let name: String
        /// Requests by operation, indexed by `Operation.index`.
        let requests: [Counter]
        let duration: Timer
        let bytesReceived: Counter
        let bytesSent: Counter
        let errors = Mutex<[String: Counter]>([:])

        init(_ name: String) {
            self.name = name
            requests = Operation.allCases.map {
                Counter(label: "complex_server_requests_total", dimensions: [("operation", $0.rawValue), ("transport", name)])
            }
            duration = Timer(label: "complex_server_request_duration_seconds", dimensions: [("transport", name)])
            bytesReceived = Counter(label: "complex_server_received_bytes_total", dimensions: [("transport", name)])
            bytesSent = Counter(label: "complex_server_sent_bytes_total", dimensions: [("transport", name)])
        }

        /// Counts an error reply by its code.
        func error(_ code: String) {
            let counter = errors.withLock { counters in
                if let counter = counters[code] { return counter }
                let counter = Counter(label: "complex_server_errors_total", dimensions: [("code", code), ("transport", name)])
                counters[code] = counter
                return counter
            }
            counter.increment()
        }
    }

    let socket = Transport("socket")
    let http = Transport("http")
    let openConnections = Gauge(label: "complex_server_open_connections")
    let refusedConnections = Counter(label: "complex_server_refused_connections_total")
    let evictedConnections = Counter(label: "complex_server_evicted_connections_total")
}
