/// Why the server could not start.
package enum ServerError: Error, Sendable, Equatable, CustomStringConvertible {
    case socketInUse(String)
    case pathNotASocket(String)
    case pathTooLong(String, limit: Int)
    case cannotBind(String, reason: String)
    case nothingToServe

    package var description: String {
        switch self {
        case .socketInUse(let path):
            return "another server is already listening on \(path); stop it, or choose another path with --socket"
        case .pathNotASocket(let path):
            return "\(path) exists and is not a socket; remove it, or choose another path with --socket"
        case .pathTooLong(let path, let limit):
            return "socket path \(path) is longer than \(limit) bytes, the most a Unix socket address holds; choose a shorter --socket"
        case .cannotBind(let what, let reason):
            return "cannot listen on \(what): \(reason)"
        case .nothingToServe:
            return "nothing to serve: every listener is turned off"
        }
    }
}
