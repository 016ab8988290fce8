import ComplexGRPC
import ComplexLanguage
import ComplexWire
import GRPCCore
import Synchronization

/// complex.v1.Calculator: the operations over gRPC, computed as the other listeners
/// compute them (`RequestProcessor.answer`).
struct CalculatorService: Complex_V1_Calculator.SimpleServiceProtocol {
    let metrics: ServerMetrics.Transport
    let connections: GRPCConnections
    /// Seconds a stream may go without a request before the server ends it (status OK),
    /// as an idle socket connection is closed: an open stream keeps its connection from
    /// ever being idle, and so an auto-started server from ever exiting.
    let streamIdleSeconds: Double

    /// A unary call: the reply, or the status of a refused request.
    func compute(request: Complex_V1_ComputeRequest, context: ServerContext) async throws -> Complex_V1_ComputeReply {
        let response = answer(request)
        if case .failure(let code, let message) = response, let status = code.grpcStatus {
            throw RPCError(code: status, message: message)
        }
        connections.served(peer: context.remotePeer)
        return Complex_V1_ComputeReply(response)
    }

    /// A stream of batches: one reply batch per batch, in order; a refused request is
    /// answered in its place (`Complex_V1_Error`), so the requests in flight behind it
    /// are not lost.
    func computeStream(
        request: RPCAsyncSequence<Complex_V1_ComputeBatch, any Error>,
        response: RPCWriter<Complex_V1_ComputeBatchReply>,
        context: ServerContext
    ) async throws {
        let lastRequest = Moment()
        let idleNanoseconds = UInt64(streamIdleSeconds * 1e9)
        let connections = self.connections, peer = context.remotePeer
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var served = false
                for try await batch in request {
                    lastRequest.nanoseconds.store(SharedMemoryRegion.monotonicNanoseconds(), ordering: .relaxed)
                    var replies = Complex_V1_ComputeBatchReply()
                    replies.replies.reserveCapacity(batch.requests.count)
                    for message in batch.requests {
                        let reply = answer(message)
                        if !served && reply.answersTheRequest {
                            connections.served(peer: peer)
                            served = true
                        }
                        replies.replies.append(Complex_V1_ComputeReply(reply))
                    }
                    try await response.write(replies)
                }
            }
            group.addTask {
                // Wakes once per idle period, not per request.
                while true {
                    let idle = SharedMemoryRegion.monotonicNanoseconds() &- lastRequest.nanoseconds.load(ordering: .relaxed)
                    if idle >= idleNanoseconds { return }
                    try await Task.sleep(for: .nanoseconds(Int64(idleNanoseconds - idle)))
                }
            }
            // Whichever ends first ends the stream: the client's end of its requests
            // (or a failure), or the idle deadline.
            try await group.next()
            group.cancelAll()
        }
    }

    /// A moment, shared between a stream's tasks: when it last brought a request.
    final class Moment: Sendable {
        let nanoseconds = Atomic<UInt64>(SharedMemoryRegion.monotonicNanoseconds())
    }

    /// The response to one request message, counted.
    func answer(_ message: Complex_V1_ComputeRequest) -> WireResponse {
        let response: WireResponse
        do throws(WireError) {
            let request = try message.wireRequest()
            metrics.requests[request.operation.index].increment()
            response = RequestProcessor.answer(request)
        } catch {
            response = WireResponse(error)
        }
        if case .failure(let code, _) = response { metrics.error(code) }
        return response
    }
}
