import ArgumentParser
import ComplexServer
import ComplexWire
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `complex-server`: parses arguments, sets up logging and signals, runs the server.
@main
struct ComplexServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complex-server",
        abstract: "Serve complex-repl's operations over a Unix socket.",
        discussion: """
            The socket speaks newline-delimited JSON: {"op":"add","a":[1,3],"b":[0,-5]} → {"result":[1,-2]}. docs/PROTOCOL.md has the details.

            SIGINT or SIGTERM stops the server: the socket file is removed and the exit status is 0.
            """
    )

    @Option(help: ArgumentHelp("Unix socket path (default: $XDG_RUNTIME_DIR/complex-repl.sock, else /tmp/complex-repl-UID.sock).", valueName: "path"))
    var socket: String?

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
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel)!
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "complex-server")
        var environment: [String: String] = [:]
        if let runtime = getenv("XDG_RUNTIME_DIR") { environment["XDG_RUNTIME_DIR"] = String(cString: runtime) }
        let configuration = ServerConfiguration(
            socketPath: socket ?? SocketLocation.defaultPath(environment: environment),
            idleExitSeconds: exitWhenIdle)
        let server = ComplexServer(configuration: configuration, logger: logger)
        do {
            try await server.run(until: { await TerminationSignal.wait() })
        } catch let error as ServerError {
            logger.error("\(error.description)")
            throw ExitCode(1)
        }
    }
}

