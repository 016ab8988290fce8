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
/// Socket and HTTP requests are decoded, computed and answered on the event loop that
/// read them; a shm channel's, on a thread of its own (`SharedMemoryChannel`).
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

    /// Binds every configured listener; returns what they are, for the start-up line.
    public func start() throws -> [Channel] {
        var channels: [Channel] = []
        do {
            if let path = configuration.socketPath {
                channels.append(try bindSocket(path))
            }
            if let address = configuration.http {
                channels.append(try bindHTTP(address))
            }
            guard !channels.isEmpty else { throw ServerError.nothingToServe }
        } catch {
            for channel in channels { try? channel.close().wait() }
            throw error
        }
        return channels
    }

    func bindSocket(_ path: String) throws -> Channel {
        if let warning = try SocketFile.prepare(path) { logger.warning("\(warning)") }
        let maximumLineLength = configuration.maximumLineLength
        let activity = self.activity
        let configuration = self.configuration
        let metrics = self.metrics.socket
        let channels = SharedMemoryChannels(limit: channelLimit, metrics: self.metrics.shm)
        let refusal = SocketRequestHandler.refusal(limit: activity.maximumConnections)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let deadlines = try Self.admit(channel, activity: activity, refusal: refusal,
                                                         configuration: configuration, metrics: metrics) else { return }
                    try Self.addSocketProtocolHandlers(
                        to: channel.pipeline.syncOperations, maximumLineLength: maximumLineLength, deadlines: deadlines,
                        metrics: metrics, channels: channels)
                }
            }
        do {
            return try SocketFile.withPrivateUmask {
                try bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false).wait()
            }
        } catch {
            throw ServerError.cannotBind(path, reason: "\(error)")
        }
    }

    /// Counts a new connection in and puts its deadlines first in its pipeline; nil when
    /// the server is full and the connection was refused (`refusal` sent, then closed).
    static func admit(
        _ channel: Channel, activity: ActivityMonitor, refusal: [UInt8],
        configuration: ServerConfiguration, metrics: ServerMetrics.Transport
    ) throws -> ConnectionDeadlines? {
        guard let admission = try ConnectionRefusal.admit(channel, activity: activity, refusal: refusal) else { return nil }
        let deadlines = configuration.deadlines(admission, metrics)
        try channel.pipeline.syncOperations.addHandler(deadlines)
        return deadlines
    }

    /// The socket protocol's handlers (line framing, request handling), as every
    /// connection gets them, and as the fuzz target `fuzz-socket` drives them.
    package static func addSocketProtocolHandlers(to pipeline: ChannelPipeline.SynchronousOperations, maximumLineLength: Int) throws {
        try addSocketProtocolHandlers(to: pipeline, maximumLineLength: maximumLineLength, deadlines: nil)
    }

    static func addSocketProtocolHandlers(
        to pipeline: ChannelPipeline.SynchronousOperations, maximumLineLength: Int, deadlines: ConnectionDeadlines?,
        metrics: ServerMetrics.Transport? = nil, channels: SharedMemoryChannels? = nil
    ) throws {
        try pipeline.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLength: maximumLineLength)))
        try pipeline.addHandler(SocketRequestHandler(
            maximumLineLength: maximumLineLength, deadlines: deadlines, metrics: metrics, channels: channels))
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
        let channels = try start()
        let httpPort = configuration.http == nil ? nil : channels.last?.localAddress?.port
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
        for channel in channels { try? await channel.close() }
        // Connections already accepted were answered as they read; give their clients
        // up to 0.8 s to collect the replies and hang up, so the process exits within a second.
        for _ in 0..<40 where activity.openConnections > 0 {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if let path = configuration.socketPath { SocketFile.remove(path) }
        try await group.shutdownGracefully()
        logger.notice("complex-server stopped")
    }
}
