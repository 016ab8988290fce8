/// What a backend needs to know to start: its optional argument and its surroundings.
package struct BackendConfiguration: Sendable {
    /// The backend's one argument: a socket path, a URL or a library path
    /// (`:backend ipc /tmp/x.sock`, `--socket`, `--url`, `--library`).
    package var argument: String?
    /// The directory holding `complex-repl`, where `complex-server` and the bundled FFI
    /// library are looked for.
    package var executableDirectory: String?
    /// The process environment (for default socket paths).
    package var environment: [String: String]
    /// Where a backend reports what it did on the user's behalf (e.g. started a server).
    package var notice: @Sendable (String) -> Void
    /// The most operations a socket backend keeps in flight on its connection.
    package var depth: Int = BackendConfiguration.defaultDepth
    /// Measured with `complex-repl bench --pipe FILE --depth D --window N` on 20,000
    /// lines, two alternations: with 64 in flight the server answers a whole batch in
    /// one write and client and server take turns; with 256 the next batch is already
    /// there. ipc 86–93k lines/s at 64, 106–115k at 128, 111–139k at 256 (window 1024),
    /// no better at 512 or 1024; http 46–66k at 64, 71–78k at 256.
    package static let defaultDepth = 256

    /// `Bearer TOKEN` from `$COMPLEX_SERVER_TOKEN`, for the backends that send one
    /// (`http` as a header, `grpc` as metadata); nil when it is unset or empty.
    package var bearerAuthorization: String? {
        environment["COMPLEX_SERVER_TOKEN"].flatMap { $0.isEmpty ? nil : "Bearer \($0)" }
    }

    package init(
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
