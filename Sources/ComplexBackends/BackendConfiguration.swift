/// What a backend needs to know to start: its optional argument and its surroundings.
public struct BackendConfiguration: Sendable {
    /// The backend's one argument: a socket path, a URL or a library path
    /// (`:backend ipc /tmp/x.sock`, `--socket`, `--url`, `--library`).
    public var argument: String?
    /// The directory holding `complex-repl`, where `complex-server` and the bundled FFI
    /// library are looked for.
    public var executableDirectory: String?
    /// The process environment (for default socket paths).
    public var environment: [String: String]
    /// Where a backend reports what it did on the user's behalf (e.g. started a server).
    public var notice: @Sendable (String) -> Void
    /// The most operations a socket backend keeps in flight on its connection.
    public var depth: Int = BackendConfiguration.defaultDepth
    /// Measured with `complex-repl bench --depth D`: ops/s over `ipc` and `http` stop
    /// growing at a few dozen in flight, as the C floors' do at 64.
    public static let defaultDepth = 64

    public init(
        argument: String? = nil,
        executableDirectory: String? = nil,
        environment: [String: String] = [:],
        notice: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.argument = argument
        self.executableDirectory = executableDirectory
        self.environment = environment
        self.notice = notice
    }
}
