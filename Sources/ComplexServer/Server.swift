import Glibc
import ComplexWire
import Logging

/// Serves the language's operations over a Unix socket (newline-delimited JSON, and the
/// shared-memory channels set up on it), over HTTP/1.1 and over gRPC, as configured
/// (docs/PROTOCOL.md).
///
/// Every connection is served on a thread of its own (`Connection`), which polls its
/// socket for a moment, then sleeps in `read`, and answers what each read brings; a shm
/// channel on the channel's thread (`SharedMemoryChannel`); gRPC on grpc-swift's event
/// loops (`GRPCListener`).
package final class Server: Sendable {
    package let configuration: ServerConfiguration
    let logger: Logger
    let activity: ActivityMonitor
    let metrics = ServerMetrics()
    let channelLimit: PlaceLimit
    /// Places for connections' threads to poll their sockets before they sleep.
    let socketPolls = PlaceLimit(maximum: ServerThread.pollers)
    /// Every connection's and channel's thread, so that `run` returns after them.
    let threads = ThreadGroup()
    /// How long `run` waits, once every connection is closed, for their threads to end.
    static let threadsEndSeconds = 1.0

    package init(configuration: ServerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.channelLimit = PlaceLimit(maximum: configuration.maximumSharedMemoryChannels)
        self.activity = ActivityMonitor(maximumConnections: configuration.maximumConnections, metrics: metrics)
        self.logger = logger
    }

    /// The listeners of a running server.
    struct Listeners {
        var socket: Listener?
        var http: Listener?

        func stop() {
            socket?.stop()
            http?.stop()
        }
    }

    /// Binds every configured listener and starts accepting.
    func start() throws -> Listeners {
        var listeners = Listeners()
        do {
            if let path = configuration.socketPath {
                listeners.socket = try bindSocket(path)
            }
            if let address = configuration.http {
                listeners.http = try bindHTTP(address)
            }
            guard listeners.socket != nil || listeners.http != nil || configuration.grpc != nil else {
                throw ServerError.nothingToServe
            }
        } catch {
            listeners.stop()
            if listeners.socket != nil, let path = configuration.socketPath { SocketFile.remove(path) }
            throw error
        }
        return listeners
    }

    func bindSocket(_ path: String) throws -> Listener {
        if let warning = try SocketFile.prepare(path) { logger.warning("\(warning)") }
        let listener = try Listener(path: path)
        // A listener that could not start accepting is closed here, and its file removed.
        defer { if !listener.isAccepting { listener.stop(); SocketFile.remove(path) } }
        let maximumLineLength = configuration.maximumLineLength
        let channels = SharedMemoryAllowance(limit: channelLimit, metrics: metrics.shm, threads: threads)
        let transport = metrics.socket
        try serve(listener, transport: .socket, metrics: transport, refusal: ConnectionRefusal.socketLine(limit: activity.maximumConnections)) { hangUp in
            SocketSession(maximumLineLength: maximumLineLength, metrics: transport, channels: channels, hangUp: hangUp)
        }
        return listener
    }

    func bindHTTP(_ address: HTTPAddress) throws -> Listener {
        let listener = try Listener(address: address)
        defer { if !listener.isAccepting { listener.stop() } }
        let configuration = self.configuration
        let transport = metrics.http
        // The executable's exposition (swift-metrics'), then the server's own histograms.
        let exposition = configuration.metricsExposition.map { base in
            { @Sendable [metrics] (out: inout [UInt8]) in
                base(&out)
                metrics.appendExposition(to: &out)
            }
        }
        try serve(listener, transport: .http, metrics: transport, refusal: ConnectionRefusal.httpResponse(limit: activity.maximumConnections)) { _ in
            HTTPSession(maximumBodyLength: configuration.maximumBodyLength, token: configuration.token, metrics: transport,
                        metricsExposition: exposition)
        }
        return listener
    }

    /// Starts `listener` accepting: each connection it admits is served by a session from
    /// `makeSession` (given what closes the connection) on a thread of its own; one over
    /// the limit is sent `refusal` and closed.
    func serve<Session: ConnectionSession>(
        _ listener: Listener, transport: ActivityMonitor.Transport, metrics: ServerMetrics.Transport, refusal: [UInt8],
        makeSession: @escaping @Sendable (_ hangUp: @escaping @Sendable () -> Void) -> Session
    ) throws {
        let activity = self.activity
        let timeouts = configuration.timeouts
        // Refused connections being drained (`Connection.refuse`) each hold a thread: with
        // no spare thread left, a refusal is sent without the drain.
        let draining = activity.spareThreads
        let threads = self.threads
        let polls = socketPolls
        try listener.start { descriptor in
            let connection = Connection(descriptor: descriptor, timeouts: timeouts, metrics: metrics, polls: polls)
            let admission = activity.admit(transport, now: Connection.now(), close: { connection.hangUp() })
            if admission == nil && !draining.reserve() {
                // A flood of connections while the server is full: refused here and
                // now, without a thread to drain each (the refusal may then be lost
                // to a reset, but the flood cannot pile up threads).
                connection.refuseAtOnce(refusal)
                return
            }
            let started = threads.detach {
                if let admission {
                    connection.serve(makeSession({ connection.hangUp() }), admission: admission)
                } else {
                    connection.refuse(refusal)
                    draining.release()
                }
            }
            if !started {
                if admission == nil { draining.release() }
                // No thread for it (the process is at its limit): drop it, as a full
                // backlog would.
                admission?.closed()
                connection.closeDescriptor()
            }
        }
    }

    package func run(until stop: @escaping @Sendable () async -> Void) async throws {
        let listeners = try start()
        let httpPort = listeners.http?.port
        #if COMPLEX_WITHOUT_GRPC
        let grpcAddress = "off"
        #else
        var grpc: GRPCListener?
        var grpcAddress = "off"
        if let address = configuration.grpc {
            let listener = GRPCListener(address: address, configuration: configuration, activity: activity, metrics: metrics.grpc)
            do {
                let port = try await listener.start()
                grpcAddress = "grpc://\(HTTPAddress(host: address.host, port: port))"
            } catch {
                await listener.stop(within: 0)
                listeners.stop()
                if let path = configuration.socketPath { SocketFile.remove(path) }
                throw ServerError.cannotBind("gRPC \(address)", reason: "\(error)")
            }
            grpc = listener
        }
        #endif
        logger.notice("complex-server listening", metadata: [
            "socket": .string(configuration.socketPath ?? "off"),
            "http": .string(configuration.http.map { "http://\(HTTPAddress(host: $0.host, port: httpPort ?? $0.port))" } ?? "off"),
            "grpc": .string(grpcAddress),
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
        listeners.stop()
        #if !COMPLEX_WITHOUT_GRPC
        grpc?.beginStopping()
        #endif
        // Connections already accepted were answered as they read; give their clients
        // up to 0.8 s to collect the replies and hang up, so the process exits within a
        // second. An idle shm lifeline carries no reply, so it does not hold this up.
        for _ in 0..<40 where activity.busyConnections > 0 {
            try? await Task.sleep(for: .milliseconds(20))
        }
        activity.closeAll()
        #if !COMPLEX_WITHOUT_GRPC
        await grpc?.stop(within: 0.1)
        #endif
        if let path = configuration.socketPath { SocketFile.remove(path) }
        // Every thread was told to end (its socket shut down, its channel closed): wait
        // for them, within a bound, so that nothing of the server runs after `run`.
        if !(await threads.waitUntilEnded(seconds: Self.threadsEndSeconds)) {
            logger.warning("complex-server stopped with \(threads.count) threads still running")
        }
        logger.notice("complex-server stopped")
    }
}
