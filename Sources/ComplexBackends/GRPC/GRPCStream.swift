import ComplexGRPC
import ComplexWire
import Dispatch
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Synchronization

/// One `ComputeStream` call to complex-server's gRPC listener, kept open for as long
/// as it lasts and driven from an ordinary thread (the REPL's): requests go in through
/// `send`, replies come out of `receive`, in order.
///
/// grpc-swift is asynchronous and runs on NIO's event loops; the evaluator is not. The
/// bridge is a stream of request batches one way and an inbox with a semaphore the
/// other: a batch costs one hop into Swift concurrency, its replies one wake of the
/// caller, who polls for `spinMicroseconds` before sleeping.
final class GRPCStream: Sendable {
    /// What `receive` gives.
    enum Event: Sendable {
        case replies(Complex_V1_ComputeBatchReply)
        /// The call is over: why, and whether the server (or the connection) ended it
        /// rather than refused it, so that a kept stream found closed may be replaced
        /// without a word.
        case ended(reason: String, peerClosed: Bool)
    }

    /// Replies on their way to the caller: filled on grpc-swift's side, emptied on
    /// the caller's, a semaphore count per event.
    final class Inbox: Sendable {
        struct Queue {
            var events: [Event] = []
            var head = 0
            var end: Event?
        }

        private let queue = Mutex(Queue())
        private let arrived = DispatchSemaphore(value: 0)

        func deliver(_ event: Event) {
            let accepted = queue.withLock { queue in
                if case .ended = event {
                    guard queue.end == nil else { return false }
                    queue.end = event
                }
                queue.events.append(event)
                return true
            }
            if accepted { arrived.signal() }
        }

        func receive(seconds: Int, spinMicroseconds: UInt64) -> Event? {
            if arrived.wait(timeout: .now()) == .timedOut {
                let spinUntil = DispatchTime.now().uptimeNanoseconds + spinMicroseconds * 1000
                var got = false
                while !got && DispatchTime.now().uptimeNanoseconds < spinUntil {
                    got = arrived.wait(timeout: .now()) == .success
                }
                if !got && arrived.wait(timeout: .now() + .seconds(seconds)) == .timedOut { return nil }
            }
            let event = queue.withLock { queue -> Event? in
                guard queue.head < queue.events.count else { return queue.end }
                let event = queue.events[queue.head]
                queue.head += 1
                if queue.head == queue.events.count {
                    queue.events.removeAll(keepingCapacity: true)
                    queue.head = 0
                }
                return event
            }
            // The end stays readable: a caller that reads past it is told again.
            if case .ended? = event { arrived.signal() }
            return event
        }
    }

    private let requests: AsyncStream<Complex_V1_ComputeBatch>.Continuation
    private let inbox = Inbox()
    private let task: Task<Void, Never>
    private let client: GRPCClient<HTTP2ClientTransport.Posix>

    /// Opens the call to `address` (the connection itself is made by grpc-swift, as the
    /// call starts), sending `authorization` as metadata when given.
    init(address: HTTPAddress, authorization: String?) throws {
        let target: any ResolvableTarget = address.host.contains(":")
            ? .ipv6(address: address.host, port: address.port) : .ipv4(address: address.host, port: address.port)
        var config = HTTP2ClientTransport.Posix.Config.defaults
        // Every batch is flushed as it is written: see `GRPCListener`'s flushes.
        config.connection.flushCoalescing = nil
        let client = GRPCClient(transport: try HTTP2ClientTransport.Posix(target: target, transportSecurity: .plaintext, config: config))
        self.client = client
        let (stream, continuation) = AsyncStream<Complex_V1_ComputeBatch>.makeStream()
        requests = continuation
        let metadata: Metadata = authorization.map { [GRPCContract.authorizationKey: .string($0)] } ?? [:]
        // A server that is gone fails the call at once; the reply deadline is the caller's.
        let options = { var options = CallOptions.defaults; options.waitForReady = false; return options }()
        let inbox = self.inbox
        task = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await client.runConnections() }
                group.addTask {
                    do {
                        try await Complex_V1_Calculator.Client(wrapping: client).computeStream(
                            metadata: metadata, options: options,
                            requestProducer: { writer in
                                for await batch in stream { try await writer.write(batch) }
                            },
                            onResponse: { response in
                                for try await message in response.messages { inbox.deliver(.replies(message)) }
                            })
                        inbox.deliver(.ended(reason: "the server ended the stream", peerClosed: true))
                    } catch let error as RPCError {
                        inbox.deliver(.ended(reason: Self.describe(error), peerClosed: error.code == .unavailable || error.code == .cancelled))
                    } catch {
                        inbox.deliver(.ended(reason: "\(error)", peerClosed: false))
                    }
                    client.beginGracefulShutdown()
                }
            }
        }
    }

    deinit {
        close()
    }

    /// `UNAUTHENTICATED: missing or wrong …`: a status as people read it.
    static func describe(_ error: RPCError) -> String {
        "\(String(describing: error.code).uppercased()): \(error.message)"
    }

    /// Puts `batch` in flight.
    func send(_ batch: Complex_V1_ComputeBatch) {
        requests.yield(batch)
    }

    /// The next batch of replies, or the call's end; nil when nothing came within `seconds`
    /// (polling for the first `spinMicroseconds`).
    func receive(seconds: Int, spinMicroseconds: UInt64) -> Event? {
        inbox.receive(seconds: seconds, spinMicroseconds: spinMicroseconds)
    }

    /// Ends the call and its connection (the server sees the stream cancelled).
    func close() {
        requests.finish()
        task.cancel()
        client.beginGracefulShutdown()
    }
}
