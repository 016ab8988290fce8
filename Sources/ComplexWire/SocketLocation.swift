#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where complex-server listens by default, and where the `ipc` backend looks.
public enum SocketLocation {
    /// `$XDG_RUNTIME_DIR/complex-repl.sock` (a per-user 0700 directory), else
    /// `/tmp/complex-repl-<uid>/complex-repl.sock`, in a directory the server creates
    /// 0700: never a socket directly in world-writable /tmp.
    public static func defaultPath(environment: [String: String]) -> String {
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") {
            var info = stat()
            if stat(runtime, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                return runtime + "/complex-repl.sock"
            }
        }
        return "/tmp/complex-repl-\(getuid())/complex-repl.sock"
    }

    /// The longest path a Unix socket address holds (sun_path less its NUL).
    public static let maximumPathLength = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1
}
