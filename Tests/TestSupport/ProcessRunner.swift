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
        public var description: String {
            switch self {
            case .timedOut(let what, let seconds): return "\(what) did not finish within \(seconds) s"
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
    /// this one's, with a runtime directory, TMPDIR and history of its own, so a test
    /// never meets the user's socket, servers or history (the suite must be as green
    /// with a REPL and its servers running as without).
    public static func isolatedEnvironment(in directory: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in ["runtime", "tmp"] {
            mkdir(directory + "/" + name, 0o700)
        }
        environment["XDG_RUNTIME_DIR"] = directory + "/runtime"
        environment["TMPDIR"] = directory + "/tmp"
        environment["COMPLEX_REPL_HISTORY"] = ""
        environment["COMPLEX_SERVER_TOKEN"] = nil
        return environment
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

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment ?? isolatedEnvironment(in: directory.path)
        process.standardInput = try FileHandle(forReadingFrom: inputURL)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw Failure.timedOut("\(executable) \(arguments.joined(separator: " "))", seconds: timeout)
        }
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
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
