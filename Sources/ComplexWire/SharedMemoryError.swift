import Glibc

/// Why a shm channel's region could not be made or mapped.
package enum SharedMemoryError: Error, Sendable, CustomStringConvertible {
    /// A system call failed: which, and errno's text.
    case system(call: String, reason: String)
    /// The region is not the layout this program speaks.
    case layoutMismatch(String)

    static func errno(_ call: String) -> SharedMemoryError {
        .system(call: call, reason: String(cString: strerror(Glibc.errno)))
    }

    package var description: String {
        switch self {
        case .system(let call, let reason): return "\(call): \(reason)"
        case .layoutMismatch(let what): return "the shared region is not this version's layout (\(what))"
        }
    }
}
