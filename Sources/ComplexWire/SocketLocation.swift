import Glibc

/// Where complex-server listens by default, and where the `ipc` backend looks.
package enum SocketLocation {
    /// `$XDG_RUNTIME_DIR/complex-repl.sock` (a per-user 0700 directory), else
    /// `complex-repl.sock` in `fallbackDirectory`, which the server creates 0700: never
    /// a socket directly in a world-writable directory.
    package static func defaultPath(environment: [String: String]) -> String {
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") {
            var info = stat()
            if stat(runtime, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                return runtime + "/complex-repl.sock"
            }
        }
        return fallbackDirectory(environment: environment) + "/complex-repl.sock"
    }

    /// `complex-repl-<uid>` in `$TMPDIR`, else in /tmp, as every Unix tool places its
    /// temporary files.
    package static func fallbackDirectory(environment: [String: String]) -> String {
        var temporary = environment["TMPDIR"] ?? ""
        while temporary.count > 1 && temporary.hasSuffix("/") { temporary.removeLast() }
        if !temporary.hasPrefix("/") { temporary = "/tmp" }
        return (temporary == "/" ? "" : temporary) + "/" + fallbackDirectoryName
    }

    /// The private directory's own name, by which the server knows it must be its own.
    package static var fallbackDirectoryName: String { "complex-repl-\(getuid())" }

    /// The longest path a Unix socket address holds (sun_path less its NUL).
    package static let maximumPathLength = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1
}

extension SocketLocation {
    /// Calls `body` with `path` as a Unix socket address, for bind/connect.
    /// The path must fit (`maximumPathLength`); a longer one is cut short.
    package static func withAddress<T>(of path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8.prefix(raw.count - 1))
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }
}
