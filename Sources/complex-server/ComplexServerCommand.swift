import ArgumentParser
import ComplexLanguage
import ComplexServer
import ComplexWire
import Logging
import Metrics
import Prometheus
import Glibc

/// `complex-server`: parses arguments, sets up logging and signals, runs the server.
@main
struct ComplexServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complex-server",
        abstract: "Serve complex-repl's operations over a Unix socket, over HTTP and over gRPC.",
        discussion: """
            The socket speaks newline-delimited JSON: {"op":"add","a":[1,3],"b":[0,-5]} → {"result":[1,-2]}. HTTP: POST /add with {"a":[1,3],"b":[0,-5]} → {"result":[1,-2]}; GET /health; GET /ops. docs/PROTOCOL.md has the details.

            gRPC (--grpc HOST:PORT, h2c): the service complex.v1.Calculator of Protos/complex/v1/calculator.proto, and grpc.health.v1.Health.

            HTTP and gRPC listen on loopback only unless a token is given: then every request must carry Authorization: Bearer TOKEN (gRPC: authorization metadata). Give the token in a file (--token-file) or in $COMPLEX_SERVER_TOKEN: a --token on the command line is visible to every user of the machine through ps.

            SIGINT or SIGTERM stops the server: the socket file is removed and the exit status is 0.
            """,
        version: PackageVersion.current
    )

    /// The limits' defaults, which `ServerConfiguration` alone spells.
    static let defaults = ServerConfiguration(socketPath: nil)

    @Option(help: ArgumentHelp("Unix socket path (default: $XDG_RUNTIME_DIR/complex-repl.sock, else complex-repl-UID/complex-repl.sock in $TMPDIR or /tmp).", valueName: "path"))
    var socket: String?

    @Flag(help: "Do not listen on the Unix socket.")
    var noSocket = false

    @Option(help: ArgumentHelp("HTTP address to listen on.", valueName: "host:port"))
    var http: String = HTTPAddress.default.description

    @Flag(help: "Do not listen on HTTP.")
    var noHTTP = false

    @Option(help: ArgumentHelp("Also serve gRPC (HTTP/2 without TLS) on this address, e.g. 127.0.0.1:50051; port 0 picks a free one.", valueName: "host:port"))
    var grpc: String?

    @Flag(help: "Serve one client on stdin and stdout, in the socket's protocol, and exit when the input ends: the child that complex-repl --backend stdio runs. No socket, no HTTP.")
    var stdio = false

    @Option(help: ArgumentHelp("Require Authorization: Bearer TOKEN on every HTTP request and gRPC call (as metadata); needed to bind a non-loopback address. Visible to other users through ps: prefer --token-file or $COMPLEX_SERVER_TOKEN.", valueName: "token"))
    var token: String?

    @Option(help: ArgumentHelp("Read the token from this file (its first line; keep it mode 0600).", valueName: "path"))
    var tokenFile: String?

    @Option(help: ArgumentHelp("Connections served at once. When full, a newcomer takes the place of the connection that matters least (never answered first, then HTTP before the socket, idle longest first); one that can take none gets too_many_connections (HTTP 503).", valueName: "n"))
    var maxConnections: Int = Self.defaults.maximumConnections

    @Option(help: ArgumentHelp("Shared-memory channels open at once, each served by a thread of its own (--backend shm); more get too_many_channels. 0: offer none.", valueName: "n"))
    var maxShmChannels: Int = Self.defaults.maximumSharedMemoryChannels

    @Option(help: ArgumentHelp("Close a connection idle this long between requests.", valueName: "seconds"))
    var idleTimeout: Double = Self.defaults.idleTimeoutSeconds

    @Option(help: ArgumentHelp("Close a connection that takes longer than this to deliver one request.", valueName: "seconds"))
    var requestTimeout: Double = Self.defaults.requestTimeoutSeconds

    @Option(help: ArgumentHelp("Close a connection that takes longer than this to deliver a request's head (on the socket, its line).", valueName: "seconds"))
    var headerTimeout: Double = Self.defaults.headerTimeoutSeconds

    @Option(help: ArgumentHelp("Exit after this many seconds with no connection (used when complex-repl starts the server itself).", valueName: "seconds"))
    var exitWhenIdle: Int?

    @Option(help: ArgumentHelp("Logging: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel: String = "notice"

    func validate() throws {
        if Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        if let exitWhenIdle, exitWhenIdle < 1 {
            throw ValidationError("--exit-when-idle wants a positive number of seconds")
        }
        if maxShmChannels < 0 {
            throw ValidationError("--max-shm-channels wants 0 (none) or a positive number")
        }
        if maxConnections < 1 || idleTimeout <= 0 || requestTimeout <= 0 || headerTimeout <= 0 {
            throw ValidationError("--max-connections, --idle-timeout, --request-timeout and --header-timeout want positive values")
        }
        if noSocket && noHTTP && grpc == nil {
            throw ValidationError("--no-socket and --no-http together leave nothing to serve; add --grpc HOST:PORT, or drop one")
        }
        guard HTTPAddress(parsing: http) != nil else {
            throw ValidationError("--http wants HOST:PORT, e.g. 127.0.0.1:3000 or [::1]:3000")
        }
        if let grpc, HTTPAddress(parsing: grpc) == nil {
            throw ValidationError("--grpc wants HOST:PORT, e.g. 127.0.0.1:50051 or [::1]:50051")
        }
        if token != nil && tokenFile != nil {
            throw ValidationError("--token and --token-file both give the token; pass one")
        }
    }

    /// The address to bind for `option` (`--http`, `--grpc`) given as `text`: the host
    /// resolved once, here, and bound by its numeric address, so what was judged is
    /// what listens. Loopback is decided from every address the name resolves to, not
    /// from its spelling (`127.evil.test` may resolve anywhere); any other address
    /// needs a token.
    func listeningAddress(_ option: String, _ text: String, token: String?) throws -> (address: HTTPAddress, exposed: Bool) {
        let address = HTTPAddress(parsing: text)!
        let resolved: [ResolvedHost]
        do throws(ResolutionError) {
            resolved = try address.resolve()
        } catch {
            throw ValidationError("\(option) \(text): \(error)")
        }
        let exposed = resolved.first { !$0.isLoopback }
        if let exposed, token == nil {
            let via = exposed.numeric == address.host ? "" : " (it resolves to \(exposed))"
            throw ValidationError("\(option) \(text) is reachable from other machines\(via); give a token (--token-file PATH, or COMPLEX_SERVER_TOKEN) so every request must authenticate, or listen on 127.0.0.1")
        }
        return (HTTPAddress(host: resolved[0].numeric, port: address.port), exposed != nil)
    }

    /// The token from --token, --token-file or $COMPLEX_SERVER_TOKEN, in that order; read
    /// once, before anything starts (a bad --token-file is a usage error).
    func resolvedToken() throws -> String? {
        if let token, !token.isEmpty { return token }
        if let tokenFile { return try TokenFile.read(tokenFile) }
        guard let value = getenv("COMPLEX_SERVER_TOKEN") else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }

    func run() async throws {
        if stdio {
            Glibc.exit(StdioServer.serve(maximumLineLength: Self.defaults.maximumLineLength))
        }
        let token = try resolvedToken()
        let httpListener = noHTTP ? nil : try listeningAddress("--http", http, token: token)
        let grpcListener = try grpc.map { try listeningAddress("--grpc", $0, token: token) }
        let level = Logger.Level(rawValue: logLevel)!
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "complex-server")
        let registry = PrometheusCollectorRegistry()
        // Request durations are the server's own histogram (RequestDurationHistogram),
        // with its buckets; everything else goes through swift-metrics.
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var environment: [String: String] = [:]
        for name in ["XDG_RUNTIME_DIR", "TMPDIR"] {
            if let value = getenv(name) { environment[name] = String(cString: value) }
        }
        if let tokenFile, TokenFile.isReadableByOthers(tokenFile) {
            logger.warning("\(tokenFile) can be read by other users; chmod 600 it")
        }
        if let httpListener, httpListener.exposed {
            logger.warning("HTTP listens on \(httpListener.address), reachable from other machines; requests must carry the bearer token")
        }
        if let grpcListener, grpcListener.exposed {
            logger.warning("gRPC listens on \(grpcListener.address), reachable from other machines; calls must carry the bearer token")
        }
        var configuration = ServerConfiguration(
            socketPath: noSocket ? nil : socket ?? SocketLocation.defaultPath(environment: environment),
            http: httpListener?.address,
            grpc: grpcListener?.address,
            token: token,
            idleExitSeconds: exitWhenIdle)
        configuration.maximumConnections = maxConnections
        configuration.maximumSharedMemoryChannels = maxShmChannels
        configuration.idleTimeoutSeconds = idleTimeout
        configuration.requestTimeoutSeconds = requestTimeout
        configuration.headerTimeoutSeconds = headerTimeout
        configuration.metricsExposition = { registry.emit(into: &$0) }
        let server = Server(configuration: configuration, logger: logger)
        let termination = TerminationSignal()
        do {
            try await server.run(until: { await termination.wait() })
        } catch let error as ServerError {
            logger.error("\(error.description)")
            throw ExitCode(1)
        }
    }
}

