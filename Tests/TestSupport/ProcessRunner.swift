import Foundation

/// Runs a program to completion with input from a string and output captured in
/// temporary files (no pipe deadlocks however large the output), with a time limit.
public struct ProcessRunner {
    public struct Result {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public enum Failure: Error, CustomStringConvertible {
        case timedOut(String, seconds: Double)
        case cannotStart(String, String)
        public var description: String {
            switch self {
            case .timedOut(let what, let seconds): return "\(what) did not finish within \(seconds) s"
            case .cannotStart(let what, let reason): return "cannot start \(what): \(reason)"
            }
        }
    }

    /// Directory of the built products (where the test bundle itself lives).
    public static let productsDirectory: URL = {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return exe.deletingLastPathComponent()
    }()

    /// Path of a built executable of this package.
    public static func product(_ name: String) -> String {
        productsDirectory.appendingPathComponent(name).path
    }

    /// The environment a program started by a test gets unless the test sets its own:
    /// this one's, with a runtime directory, TMPDIR and history of its own and no
    /// startup file, so a test never meets the user's socket, servers, history or
    /// functions (the suite must be as green with a REPL and its servers running as without).
    public static func isolatedEnvironment(in directory: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in ["runtime", "tmp"] {
            mkdir(directory + "/" + name, 0o700)
        }
        environment["XDG_RUNTIME_DIR"] = directory + "/runtime"
        environment["TMPDIR"] = directory + "/tmp"
        environment["COMPLEX_REPL_HISTORY"] = ""
        environment["COMPLEX_REPL_STARTUP"] = ""
        environment["COMPLEX_SERVER_TOKEN"] = nil
        return environment
    }

    /// Starts `executable` with `arguments`, its descriptors as `actions` arrange, with no
    /// signal blocked (the runner's threads block signals, SIGTERM among them, and a
    /// child would inherit that); its pid, for the caller to wait for.
    public static func spawn(
        _ executable: String, _ arguments: [String], actions: inout posix_spawn_file_actions_t, environment: [String: String]
    ) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw Failure.cannotStart(executable, String(cString: strerror(spawned))) }
        return pid
    }

    /// Runs `executable` with `arguments`; kills it after `timeout` seconds.
    public static func run(
        _ executable: String,
        _ arguments: [String] = [],
        input: String = "",
        environment: [String: String]? = nil,
        timeout: Double = 60
    ) throws -> Result {
        let directory = try TemporaryDirectory()
        let inputURL = directory.url.appendingPathComponent("stdin")
        let outURL = directory.url.appendingPathComponent("stdout")
        let errURL = directory.url.appendingPathComponent("stderr")
        try Data(input.utf8).write(to: inputURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)

        // posix_spawn and waitpid rather than Foundation's Process, whose exit
        // notification was once missed under the suite's parallel load: the child sat
        // a zombie and `waitUntilExit` never returned, hanging the whole run.
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (fd, url, flags) in [(Int32(0), inputURL, O_RDONLY), (1, outURL, O_WRONLY), (2, errURL, O_WRONLY)] {
            posix_spawn_file_actions_addopen(&actions, fd, url.path, flags, 0)
        }
        let pid = try spawn(executable, arguments, actions: &actions, environment: environment ?? isolatedEnvironment(in: directory.path))
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(timeout)
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() >= deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                throw Failure.timedOut("\(executable) \(arguments.joined(separator: " "))", seconds: timeout)
            }
            usleep(2_000)
        }
        // The shell's convention: the exit status, or 128 + the signal that ended it.
        let exitStatus = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Result(
            status: exitStatus,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}

/// A fresh temporary directory, removed when the value is released.
public final class TemporaryDirectory {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("complex-repl-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public var path: String { url.path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
