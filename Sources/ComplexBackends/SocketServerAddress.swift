import ComplexLanguage
import ComplexWire

/// Where a backend that talks to complex-server over its Unix socket (`ipc`, `shm`)
/// finds it: the path its argument names, else the default one, which alone is
/// started on demand.
struct SocketServerAddress {
    let path: String
    let isDefault: Bool

    /// The socket path of `configuration`, checked.
    init(_ configuration: BackendConfiguration, backend: String) throws(BackendError) {
        let defaultPath = SocketLocation.defaultPath(environment: configuration.environment)
        path = configuration.argument ?? defaultPath
        guard path.utf8.count <= SocketLocation.maximumPathLength else {
            throw .invalidArgument(backend: backend, argument: path,
                                   hint: "a Unix socket path holds at most \(SocketLocation.maximumPathLength) bytes")
        }
        isDefault = path == defaultPath
    }

    /// A connection to the server, started first if this is the default path and
    /// none answers.
    func connect(backend: String, configuration: BackendConfiguration) throws(OperationError) -> BlockingStream {
        try ServerLauncher.connectOrStart(
            backend: backend, address: path, isDefault: isDefault,
            serverArguments: ["--socket", path, "--no-http"], configuration: configuration
        ) { () throws(BlockingStream.Failure) in
            try BlockingStream.connect(unixPath: path, timeoutSeconds: ClientPolicy.replyTimeoutSeconds)
        }
    }
}
