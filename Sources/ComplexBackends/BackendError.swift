/// Why a backend could not be created.
package enum BackendError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownBackend(String, available: [String])
    case invalidArgument(backend: String, argument: String, hint: String)
    case unavailable(backend: String, reason: String)

    package var description: String {
        switch self {
        case .unknownBackend(let name, let available):
            return "unknown backend '\(name)'; available: \(available.joined(separator: ", "))"
        case .invalidArgument(let backend, let argument, let hint):
            return "backend \(backend): invalid argument '\(argument)': \(hint)"
        case .unavailable(let backend, let reason):
            return "backend \(backend) is unavailable: \(reason)"
        }
    }
}
