import Glibc
import ComplexWire
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// Serves the language's operations over a Unix socket (newline-delimited JSON, and the
/// shared-memory channels set up on it) and over HTTP/1.1, as configured
/// (docs/PROTOCOL.md).
///
/// A socket connection's requests are decoded, computed and answered on the
/// connection's own thread (`SocketConnection`); a shm channel's on the channel's
/// (`SharedMemoryChannel`); HTTP's on the SwiftNIO event loop that read them.
public final class Server: Sendable {
    public let configuration: ServerConfiguration
    let logger: Logger
    let group: MultiThreadedEventLoopGroup
    let activity: ActivityMonitor
    let metrics = ServerMetrics()
    let channelLimit: SharedMemoryChannel.Limit

    public init(configuration: ServerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.channelLimit = SharedMemoryChannel.Limit(maximum: configuration.maximumSharedMemoryChannels)
        self.activity = ActivityMonitor(maximumConnections: configuration.maximumConnections, metrics: metrics)
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(configuration.threads, 1))
    }

    /// The listeners of a running server.
    struct Listeners {
        var socket: SocketListener?
        var http: Channel?
    }

    /// Binds every configured listener.
    func start() throws -> Listeners {
        var listeners = Listeners()
        do {
            if let path = configuration.socketPath {
                listeners.socket = try bindSocket(path)
            }
            if let address = configuration.http {
                listeners.http = try bindHTTP(address)
            }
            guard listeners.socket != nil || listeners.http != nil else { throw ServerError.nothingToServe }
        } catch {
            listeners.socket?.stop()
            try? listeners.http?.close().wait()
            throw error
        }
        return listeners
    }

    func bindSocket(_ path: String) throws -> SocketListener {
        if let warning = try SocketFile.prepare(path) { logger.warning("\(warning)") }
        let listener = try SocketListener(path: path)
        let activity = self.activity
        let settings = SocketConnection.Settings(
            maximumLineLength: configuration.maximumLineLength, timeouts: configuration.timeouts,
            metrics: metrics.socket, channels: SharedMemoryChannels(limit: channelLimit, metrics: metrics.shm))
        let refusal = SocketConnection.refusal(limit: activity.maximumConnections)
        try listener.start { descriptor in
            let connection = SocketConnection(descriptor: descriptor, settings: settings)
            let admission = activity.admit(close: { connection.hangUp() })
            let started = ServerThread.detach {
                if let admission {
                    connection.serve(admission: admission)
                } else {
                    connection.refuse(refusal)
                }
            }
            if !started {
                // No thread for it (the process is at its limit): drop it, as a full
                // backlog would.
                admission?.closed()
                connection.closeDescriptor()
            }
        }
        return listener
    }

    /// Counts a new HTTP connection in and puts its deadlines first in its pipeline; nil
    /// when the server is full and the connection was refused (`refusal` sent, then closed).
    static func admit(
        _ channel: Channel, activity: ActivityMonitor, refusal: [UInt8],
        configuration: ServerConfiguration, metrics: ServerMetrics.Transport
    ) throws -> ConnectionDeadlines? {
        guard let admission = try ConnectionRefusal.admit(channel, activity: activity, refusal: refusal) else { return nil }
        let deadlines = ConnectionDeadlines(timeouts: configuration.timeouts, admission: admission, metrics: metrics)
        try channel.pipeline.syncOperations.addHandler(deadlines)
        return deadlines
    }

    /// HTTP's handlers (NIO's request decoder, request handling), as every connection
    /// gets them, and as the fuzz target `fuzz-http` drives them.
    package static func addHTTPProtocolHandlers(
        to pipeline: ChannelPipeline.SynchronousOperations, maximumBodyLength: Int, token: String?
    ) throws {
        try addHTTPProtocolHandlers(to: pipeline, maximumBodyLength: maximumBodyLength, token: token, deadlines: nil)
    }

    static func addHTTPProtocolHandlers(
        to pipeline: ChannelPipeline.SynchronousOperations, maximumBodyLength: Int, token: String?,
        deadlines: ConnectionDeadlines?, metrics: ServerMetrics.Transport? = nil,
        metricsExposition: (@Sendable (inout [UInt8]) -> Void)? = nil
    ) throws {
        let decoder = HTTPRequestHandler.makeDecoder()
        try pipeline.addHandler(decoder)
        try pipeline.addHandler(HTTPRequestHandler(
            maximumBodyLength: maximumBodyLength, token: token, deadlines: deadlines, decoder: decoder,
            metrics: metrics, metricsExposition: metricsExposition))
    }

    func bindHTTP(_ address: HTTPAddress) throws -> Channel {
        let configuration = self.configuration
        let activity = self.activity
        let metrics = self.metrics.http
        let refusal = HTTPRequestHandler.refusal(limit: configuration.maximumConnections)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let deadlines = try Self.admit(channel, activity: activity, refusal: refusal,
                                                         configuration: configuration, metrics: metrics) else { return }
                    try Self.addHTTPProtocolHandlers(
                        to: channel.pipeline.syncOperations, maximumBodyLength: configuration.maximumBodyLength, token: configuration.token,
                        deadlines: deadlines, metrics: metrics, metricsExposition: configuration.metricsExposition)
                }
            }
        do {
            return try bootstrap.bind(host: address.host, port: address.port).wait()
        } catch {
            throw ServerError.cannotBind("http://\(address)", reason: "\(error)")
        }
    }

    /// Serves until `stop` returns (the executable's: SIGINT or SIGTERM), or (with
    /// `idleExitSeconds`) until idle; then closes the listeners and removes the socket.
    public func run(until stop: @escaping @Sendable () async -> Void) async throws {
        let listeners = try start()
        let httpPort = listeners.http?.localAddress?.port
        logger.notice("complex-server listening", metadata: [
            "socket": .string(configuration.socketPath ?? "off"),
            "http": .string(configuration.http.map { "http://\(HTTPAddress(host: $0.host, port: httpPort ?? $0.port))" } ?? "off"),
            "pid": .stringConvertible(getpid()),
        ])
        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await stop() }
            if let seconds = configuration.idleExitSeconds {
                let activity = self.activity
                tasks.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        if activity.idle(for: seconds) { return }
                    }
                }
            }
            await tasks.next()
            tasks.cancelAll()
        }
        listeners.socket?.stop()
        try? await listeners.http?.close()
        // Connections already accepted were answered as they read; give their clients
        // up to 0.8 s to collect the replies and hang up, so the process exits within a second.
        for _ in 0..<40 where activity.openConnections > 0 {
            try? await Task.sleep(for: .milliseconds(20))
        }
        activity.closeAll()
        if let path = configuration.socketPath { SocketFile.remove(path) }
        try await group.shutdownGracefully()
        logger.notice("complex-server stopped")
    }
}
