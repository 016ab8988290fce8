import ComplexLanguage

/// The backends, by name. A new backend is one file plus one line in `all`.
package enum BackendRegistry {
    /// Every backend, in the order `:backend` lists them.
    package static let all: [any RegisteredBackend.Type] = [
        LocalBackend.self,
        IPCBackend.self,
        HTTPBackend.self,
        FFIBackend.self,
        SharedMemoryBackend.self,
        StdioBackend.self,
    ] + grpc

    #if COMPLEX_WITHOUT_GRPC
    static let grpc: [any RegisteredBackend.Type] = []  // the fuzzer's build (Package.swift)
    #else
    static let grpc: [any RegisteredBackend.Type] = [GRPCBackend.self]
    #endif

    /// The names users can choose.
    package static var names: [String] { all.map { $0.registryName } }

    /// The backend called `name`, or an error that lists the names there are.
    package static func type(named name: String) throws(BackendError) -> any RegisteredBackend.Type {
        guard let type = all.first(where: { $0.registryName == name }) else {
            throw .unknownBackend(name, available: names)
        }
        return type
    }

    /// Creates the backend called `name`.
    package static func make(_ name: String, _ configuration: BackendConfiguration) throws(BackendError) -> any Backend {
        try type(named: name).make(configuration)
    }
}
