import ArgumentParser
import ComplexBackends
import ComplexLanguage
import ComplexREPL

/// Where operations are computed: `--backend` and the argument it takes (`--socket`,
/// `--url`, `--library` or `--command`). Shared by the REPL and `plot`.
struct BackendOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Where operations are computed: \(BackendRegistry.names.joined(separator: ", ")).", valueName: "name"))
    var backend: String = Self.defaultBackend

    static let defaultBackend = LocalBackend.registryName

    @Option(help: ArgumentHelp("Socket of complex-server, for \(BackendArgumentKind.socket.backendChoice) (default: $XDG_RUNTIME_DIR/complex-repl.sock, else complex-repl-UID/complex-repl.sock in $TMPDIR or /tmp; a server is started there on demand).", valueName: "path"))
    var socket: String?

    @Option(help: ArgumentHelp("URL of complex-server, for \(BackendArgumentKind.url.backendChoice) (default \(HTTPBackend.defaultURL) for http, \(GRPCBackend.defaultURL) for grpc; a server is started there on demand).", valueName: "url"))
    var url: String?

    @Option(help: ArgumentHelp("Shared library for \(BackendArgumentKind.library.backendChoice) (default: the bundled libComplexFFI.so, next to complex-repl or in ../lib when installed).", valueName: "path"))
    var library: String?

    @Option(help: ArgumentHelp("Command to run as a child process for \(BackendArgumentKind.command.backendChoice), speaking the socket's protocol on its stdin and stdout (default: complex-server --stdio, next to complex-repl).", valueName: "command"))
    var command: String?

    /// The options that name a backend's argument, each with its kind.
    var arguments: [(BackendArgumentKind, String?)] {
        [(.socket, socket), (.url, url), (.library, library), (.command, command)]
    }

    /// The options as given, for `QuickArguments`, which reads them without parsing.
    static func given(backend: String?, socket: String?, url: String?, library: String?, command: String?) -> BackendOptions {
        var options = BackendOptions()
        options.backend = backend ?? defaultBackend
        options.socket = socket
        options.url = url
        options.library = library
        options.command = command
        return options
    }

    /// `--socket`, `--url`, `--library` and `--command` each go with their own backends.
    func validate() throws {
        for case let (kind, _?) in arguments where !kind.backends.contains(backend) {
            throw ValidationError("--\(kind.rawValue) goes with \(kind.backendChoice)")
        }
    }

    /// A session on the chosen backend; a backend that cannot be made is a usage error.
    func makeSession(environment: [String: String]) throws -> Session {
        let configuration = BackendConfiguration(
            argument: nil,
            executableDirectory: ExecutableLocation.directory(),
            environment: environment,
            notice: { message in
                var err = BufferedOutput(fileDescriptor: 2)
                err.write("complex-repl: \(message)\n")
                err.flush()
            }
        )
        let chosen: any Backend
        do {
            var initial = configuration
            initial.argument = socket ?? library ?? url ?? command
            chosen = try BackendRegistry.make(backend, initial)
        } catch {
            throw ValidationError(error.description)
        }
        return Session(backend: chosen, configuration: configuration)
    }
}
