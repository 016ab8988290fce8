import ComplexLanguage
import ComplexWire
import CoreMetrics
import Synchronization

/// What complex-server counts, through swift-metrics: the executable bootstraps the
/// Prometheus backend and `GET /metrics` shows it; without a backend every metric is
/// swift-metrics' no-op. Every metric is made once, when the server starts (an error
/// code's counter on the code's first occurrence), so a request costs a few increments,
/// never a lookup by name; request durations are a histogram of its own
/// (`RequestDurationHistogram`), added to once per read.
final class ServerMetrics: Sendable {
    /// The metrics of one transport (`socket`, `http`, `shm`, `grpc`).
    final class Transport: Sendable {
        let name: String
        /// Requests by operation, indexed by `MathOperation.index`.
        let requests: [Counter]
        let duration: RequestDurationHistogram
        let bytesReceived: Counter
        let bytesSent: Counter
        /// Error replies by code, every code the server sends made up front, so counting
        /// one takes no lock.
        let errors: [WireErrorCode: Counter]
        /// Codes the server never sends, should one be counted.
        let otherErrors = Mutex<[WireErrorCode: Counter]>([:])

        init(_ name: String) {
            self.name = name
            requests = MathOperation.allCases.map {
                Counter(label: "complex_server_requests_total", dimensions: [("operation", $0.rawValue), ("transport", name)])
            }
            duration = RequestDurationHistogram(transport: name)
            bytesReceived = Counter(label: "complex_server_received_bytes_total", dimensions: [("transport", name)])
            bytesSent = Counter(label: "complex_server_sent_bytes_total", dimensions: [("transport", name)])
            errors = Dictionary(uniqueKeysWithValues: WireErrorCode.allCases.map { ($0, Self.errorCounter($0, transport: name)) })
        }

        static func errorCounter(_ code: WireErrorCode, transport: String) -> Counter {
            Counter(label: "complex_server_errors_total", dimensions: [("code", code.spelling), ("transport", transport)])
        }

        /// A connection's counts not yet added to the shared counters. Adding to a shared
        /// counter is an atomic operation on memory that every connection's thread writes; a
        /// connection adds once per read instead of once per request (measured: the
        /// per-request increments and clock read cost 0.16 µs of server CPU per
        /// pipelined request, 17% of it).
        /// Error replies are counted here too, so an error costs what an answer costs:
        /// counting each in the shared table took its lock once per error reply.
        struct Tally {
            var requests = [Int](repeating: 0, count: MathOperation.allCases.count)
            var errors: [WireErrorCode: Int] = [:]
            var pending = false
            var bytesSent = 0

            mutating func request(_ operation: MathOperation) {
                requests[operation.index] += 1
                pending = true
            }

            /// A reply of `bytes`, and its error code if it reports one.
            mutating func sent(_ bytes: Int, error code: WireErrorCode? = nil) {
                bytesSent += bytes
                if let code { errors[code, default: 0] += 1 }
                pending = true
            }

            mutating func error(_ code: WireErrorCode) {
                errors[code, default: 0] += 1
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
                if !errors.isEmpty {
                    for (code, count) in errors { transport.error(code, count: count) }
                    errors.removeAll(keepingCapacity: true)
                }
                pending = false
            }
        }

        /// Counts an error reply by its code.
        func error(_ code: WireErrorCode, count: Int = 1) {
            let counter = errors[code] ?? otherErrors.withLock { counters in
                if let counter = counters[code] { return counter }
                let counter = Self.errorCounter(code, transport: name)
                counters[code] = counter
                return counter
            }
            counter.increment(by: Int64(count))
        }
    }

    let socket = Transport("socket")
    let http = Transport("http")
    let shm = Transport("shm")
    let grpc = Transport("grpc")

    /// Appends what swift-metrics does not show: the request-duration histograms of
    /// the transports that record them (a shm request has no read, and grpc-swift reads
    /// for a gRPC call).
    func appendExposition(to out: inout [UInt8]) {
        RequestDurationHistogram.appendFamily([socket.duration, http.duration], to: &out)
    }
    let openConnections = Gauge(label: "complex_server_open_connections")
    let refusedConnections = Counter(label: "complex_server_refused_connections_total")
    let evictedConnections = Counter(label: "complex_server_evicted_connections_total")
}
