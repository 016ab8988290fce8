import ComplexGRPC
import ComplexWire
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import NIOCore
import Synchronization

/// The gRPC listener (HTTP/2 without TLS, h2c): grpc-swift's server on its NIO
/// transport, serving complex.v1.Calculator and grpc.health.v1.Health.
///
/// Unlike the other listeners it runs on an event loop (NIO's, a thread per core),
/// since gRPC's HTTP/2 is grpc-swift's to implement; its connections still take places
/// in the server's `ActivityMonitor`, beside the socket's and HTTP's, and are evicted
/// and refused by the same rule (a gRPC connection ranks as an HTTP one). The limits
/// (docs/RELIABILITY.md): the connection limit; a message no longer than an HTTP body
/// (a longer one's call is reset: grpc-swift's transport does not end it
/// RESOURCE_EXHAUSTED); `maximumStreamsPerConnection` calls at once on a connection; a
/// connection with no call closed after the idle timeout, and a stream after the idle
/// timeout without a request; a unary call held to the request deadline
/// (`DeadlineInterceptor`); and SIGTERM's drain.
final class GRPCListener: Sendable {
    /// Calls open at once on one connection: bounds what one connection holds (a task
    /// and HTTP/2's 64 KiB window per call). The REPL's client uses one stream.
    static let maximumStreamsPerConnection = 100

    let server: GRPCServer<HTTP2ServerTransport.Posix>
    let serving = ServingState()
    private let serveTask = Mutex<Task<Void, any Error>?>(nil)

    init(address: HTTPAddress, configuration: ServerConfiguration, activity: ActivityMonitor, metrics: ServerMetrics.Transport) {
        var config = HTTP2ServerTransport.Posix.Config.defaults
        config.rpc.maxRequestPayloadSize = configuration.maximumBodyLength
        config.connection.maxIdleTime = .milliseconds(Int64(configuration.idleTimeoutSeconds * 1000))
        config.http2.maxConcurrentStreams = Self.maximumStreamsPerConnection
        // Each reply is flushed as it is written: coalescing (grpc-swift's default, up to
        // 100 µs) cost one call at a time 515 µs against 300 without it on either side,
        // and bought no throughput (scripts/bench-vs-floor's rounds, 2026-12-05).
        config.connection.flushCoalescing = nil
        let connections = GRPCConnections(activity: activity)
        config.channelDebuggingCallbacks.onAcceptTCPConnection = { channel in
            // Refused when full with no place to take: closed, as a full backlog would
            // be, which a gRPC client reads as UNAVAILABLE and may retry.
            connections.accept(channel)
            return channel.eventLoop.makeSucceededVoidFuture()
        }
        config.channelDebuggingCallbacks.onAcceptHTTP2Stream = { stream in
            if let connection = stream.parent { connections.callOpened(on: connection) }
            return stream.eventLoop.makeSucceededVoidFuture()
        }
        let socketAddress: GRPCNIOTransportCore.SocketAddress = address.host.contains(":")
            ? .ipv6(host: address.host, port: address.port) : .ipv4(host: address.host, port: address.port)
        let transport = HTTP2ServerTransport.Posix(address: socketAddress, transportSecurity: .plaintext, config: config)
        var interceptors: [any ServerInterceptor] = []
        if let token = configuration.token {
            interceptors.append(TokenInterceptor(expected: Array(token.utf8), metrics: metrics))
        }
        interceptors.append(DeadlineInterceptor(seconds: configuration.requestTimeoutSeconds))
        server = GRPCServer(
            transport: transport,
            services: [
                CalculatorService(metrics: metrics, connections: connections, streamIdleSeconds: configuration.idleTimeoutSeconds),
                HealthService(serving: serving),
            ],
            interceptors: interceptors)
    }

    /// Starts serving; returns the port it listens on (the one asked for, or the one
    /// the system chose for port 0), or throws when it cannot bind.
    func start() async throws -> Int {
        let server = self.server
        serveTask.withLock { $0 = Task { try await server.serve() } }
        let address = try await server.transport.listeningAddress
        return address.ipv4?.port ?? address.ipv6?.port ?? 0
    }

    /// The server is stopping: health says NOT_SERVING, and no new call is taken.
    func beginStopping() {
        serving.stop()
        server.beginGracefulShutdown()
    }

    /// Waits for the calls in progress, up to `seconds`, then ends the rest.
    func stop(within seconds: Double) async {
        guard let task = serveTask.withLock({ $0 }) else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { _ = try? await task.value }
            group.addTask { try? await Task.sleep(for: .seconds(seconds)) }
            await group.next()
            group.cancelAll()
            task.cancel()
        }
        _ = try? await task.value
    }
}
