import ComplexLanguage
import ComplexWire

/// Turns a request body into a response: decode, compute in-process, report.
/// Shared by the socket and HTTP listeners so both speak the same operations and errors.
struct RequestProcessor {
    var writer = JSONWriter()
    /// Where requests are counted by operation, and error replies by code.
    var metrics: ServerMetrics.Transport?

    /// The response to one JSON request; `operation` is given when the transport
    /// names it outside the body (the HTTP path).
    func respond(to body: UnsafeBufferPointer<UInt8>, operation: Operation? = nil) -> WireResponse {
        do throws(WireError) {
            let request = try WireRequest.decode(body, operation: operation)
            metrics?.requests[request.operation.index].increment()
            do throws(OperationError) {
                return .result(try request.operation.perform(request.a, request.b))
            } catch {
                return WireResponse(.operation(error))
            }
        } catch {
            return WireResponse(error)
        }
    }
}
