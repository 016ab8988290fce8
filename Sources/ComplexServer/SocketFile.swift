import Glibc
import ComplexWire

/// The socket path's life cycle: refuse a live server's path, replace a stale one,
/// create the new socket 0600, and remove it on the way out.
enum SocketFile {
    /// Makes `path` ready to bind: creates a missing parent directory 0700, and errors
    /// if a server answers there, it is not a socket, or the directory is not ours.
    /// Returns a warning for a directory others can write to.
    @discardableResult
    static func prepare(_ path: String) throws(ServerError) -> String? {
        guard path.utf8.count <= SocketLocation.maximumPathLength else {
            throw .pathTooLong(path, limit: SocketLocation.maximumPathLength)
        }
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        var directoryInfo = stat()
        if stat(directory.isEmpty ? "/" : directory, &directoryInfo) != 0 {
            guard mkdir(directory, 0o700) == 0, stat(directory, &directoryInfo) == 0 else {
                throw .cannotBind(path, reason: "cannot create its directory \(directory): \(String(cString: strerror(errno)))")
            }
        }
        var warning: String?
        let isPrivateFallback = directory.hasSuffix("/" + SocketLocation.fallbackDirectoryName)
        if directoryInfo.st_mode & 0o002 != 0 {
            if isPrivateFallback {
                throw .cannotBind(path, reason: "\(directory) is writable by others; remove it so it can be made private")
            }
            warning = "\(directory) is writable by others: they could replace the socket; a private directory is safer"
        } else if directoryInfo.st_uid != getuid() && isPrivateFallback {
            throw .cannotBind(path, reason: "\(directory) belongs to another user")
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { return warning }  // nothing there
        guard info.st_mode & S_IFMT == S_IFSOCK else { throw .pathNotASocket(path) }
        if answers(path) { throw .socketInUse(path) }
        unlink(path)  // stale: its server is gone
        return warning
    }

    /// True when something accepts connections on `path`.
    static func answers(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let result = SocketLocation.withAddress(of: path) { connect(fd, $0, $1) }
        return result == 0
    }

    /// Runs `bind` with a umask that makes the new socket file 0600 from its first
    /// moment, not after a chmod race.
    static func withPrivateUmask<T>(_ bind: () throws -> T) rethrows -> T {
        let previous = umask(0o177)
        defer { umask(previous) }
        return try bind()
    }

    static func remove(_ path: String) {
        unlink(path)
    }
}
