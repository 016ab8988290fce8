import ComplexLanguage

/// A backend that `BackendRegistry` can create by name.
package protocol RegisteredBackend: SendableMetatype {
    /// The name users type: `--backend NAME`, `:backend NAME`.
    static var registryName: String { get }
    /// One line for `:backend` and `--help`.
    static var help: String { get }
    /// What the backend's argument is, and so the command-line option that sets it
    /// (`--socket`, `--url`, `--library`) and what the benchmark gives it; nil: none.
    static var argumentKind: BackendArgumentKind? { get }
    /// For a backend whose argument is a URL: its scheme (`http`, `grpc`), which says
    /// which of complex-server's listeners it calls.
    static var urlScheme: String? { get }
    /// Creates the backend; fails with a message that says how to fix the configuration.
    static func make(_ configuration: BackendConfiguration) throws(BackendError) -> any Backend
}

extension RegisteredBackend {
    package static var urlScheme: String? { nil }
}
