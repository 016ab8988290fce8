/// What a backend's one argument names. Each kind has its command-line option, named
/// after the raw value (`--socket PATH`), which the backends of that kind share.
package enum BackendArgumentKind: String, CaseIterable, Sendable {
    /// complex-server's Unix socket path.
    case socket
    /// complex-server's HTTP URL.
    case url
    /// A shared library's path.
    case library
    /// A command line, run as a child process.
    case command

    /// The backends whose argument is of this kind, by name.
    package var backends: [String] {
        BackendRegistry.all.filter { $0.argumentKind == self }.map { $0.registryName }
    }

    /// Those backends as options name them: `--backend ipc or shm`.
    package var backendChoice: String {
        "--backend " + backends.joined(separator: " or ")
    }
}
