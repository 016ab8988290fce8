import ComplexLanguage
import ComplexWire
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
        /// Requests by operation, indexed by `MathOperation.index`.
        let requests: [Counter]
        let duration: Timer
        let bytesReceived: Counter
        let bytesSent: Counter
        let errors = Mutex<[WireErrorCode: Counter]>([:])

        init(_ name: String) {
            self.name = name
            requests = MathOperation.allCases.map {
                Counter(label: "complex_server_requests_total", dimensions: [("operation", $0.rawValue), ("transport", name)])
            }
            duration = Timer(label: "complex_server_request_duration_seconds", dimensions: [("transport", name)])
            bytesReceived = Counter(label: "complex_server_received_bytes_total", dimensions: [("transport", name)])
            bytesSent = Counter(label: "complex_server_sent_bytes_total", dimensions: [("transport", name)])
        }

        /// A connection's counts not yet added to the shared counters. Adding to a shared
        /// counter is an atomic operation on memory that every connection's thread writes; a
        /// connection adds once per read instead of once per request (measured: the
        /// per-request increments and clock read cost 0.16 µs of server CPU per
        /// pipelined request, 17% of it).
        struct Tally {
            var requests = [Int](repeating: 0, count: MathOperation.allCases.count)
            var pending = false
            var bytesSent = 0

            mutating func request(_ operation: MathOperation) {
                requests[operation.index] += 1
                pending = true
            }

            mutating func sent(_ bytes: Int) {
                bytesSent += bytes
                pending = true
            }

            /// Adds the tally to `transport`'s counters and clears it.
            mutating func flush(into transport: Transport) {
                guard pending else { return }
                for index in requests.indices where requests[index] > 0 {
                    transport.requests[index].increment(by: Int64(requests[index]))
                    requests[index] = 0
                }
                if bytesSent > 0 { transport.bytesSent.increment(by: Int64(bytesSent)) }
                bytesSent = 0
                pending = false
            }
        }

        /// Counts an error reply by its code.
        func error(_ code: WireErrorCode) {
            let counter = errors.withLock { counters in
                if let counter = counters[code] { return counter }
                let counter = Counter(label: "complex_server_errors_total", dimensions: [("code", code.spelling), ("transport", name)])
                counters[code] = counter
                return counter
            }
            counter.increment()
        }
    }

    let socket = Transport("socket")
    let http = Transport("http")
    let shm = Transport("shm")
    let openConnections = Gauge(label: "complex_server_open_connections")
    let refusedConnections = Counter(label: "complex_server_refused_connections_total")
    let evictedConnections = Counter(label: "complex_server_evicted_connections_total")
}
