import ComplexLanguage
import ComplexWire

/// Turns a request body into a response: decode, compute in-process, report.
/// Shared by the socket and HTTP listeners so both speak the same operations and errors.
struct RequestProcessor {
    /// Where requests are counted by operation, and error replies by code.
    var metrics: ServerMetrics.Transport?
    /// This connection's counts since the last read; its session flushes them.
    var tally = ServerMetrics.Transport.Tally()

    /// The response to one JSON request; `operation` is given when the transport
    /// names it outside the body (the HTTP path). `id` is where the request's `id` is in
    /// `body`, when it has one the reply must echo.
    mutating func respond(to body: UnsafeBufferPointer<UInt8>, operation: MathOperation? = nil, id: inout Range<Int>?) -> WireResponse {
        do throws(WireError) {
            let request = try WireRequest.decode(body, operation: operation, id: &id)
            if metrics != nil { tally.request(request.operation) }
            return Self.answer(request)
        } catch {
            return WireResponse(error)
        }
    }

    /// The response to a well-formed request, on every transport: its result, or its
    /// operation's error.
    static func answer(_ request: WireRequest) -> WireResponse {
        do throws(OperationError) {
            return .result(try request.operation.perform(request.a, request.b))
        } catch {
            return WireResponse(.operation(error))
        }
    }

    /// Counts a reply of `bytes` that carried `response`: the one place both sessions
    /// count what they send.
    mutating func sent(_ response: WireResponse?, bytes: Int) {
        guard metrics != nil else { return }
        if case .failure(let code, _)? = response {
            tally.sent(bytes, error: code)
        } else {
            tally.sent(bytes)
        }
    }

    /// Adds this connection's tally to the shared counters: once per read, and when
    /// the connection closes.
    mutating func flushMetrics() {
        if let metrics { tally.flush(into: metrics) }
    }
}
