import Foundation
import Testing
import TestSupport

/// The REPL with the backends that reach a real complex-server over its Unix socket:
/// `ipc` (JSON lines) and `shm` (a shared-memory channel set up on the socket), which
/// behave the same way wherever a test here takes both.
@Suite struct SocketBackendTests {
    let repl = ProcessRunner.product("complex-repl")

    @Test(arguments: [("ipc", 99), ("shm", 199)])
    func resultsAreByteIdenticalToLocal(backend: String, seed: Int) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s.sock"
        let server = try ServerProcess(["--socket", path, "--no-http"], socketPath: path, in: directory)
        try BackendIdentity.expectIdenticalToLocal(["--backend", backend, "--socket", path], in: directory,
                                                   exact: (3000, seed), functions: (1500, seed + 1))
        _ = server
    }

    @Test(arguments: ["ipc", "shm"])
    func aServerThatDiesGivesAClearErrorAndTheREPLReconnects(backend: String) throws {
        try ServerLossCheck.overTheSocket(repl: repl, backend: backend)
    }

    /// ipc's connection is closed by the server's idle timeout and replaced unnoticed;
    /// shm's is the channel's lifeline, which the timeout spares.
    @Test(arguments: ["ipc", "shm"])
    func aConnectionTheServerClosedWhileIdleIsReplacedUnnoticed(backend: String) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s.sock"
        let server = try ServerProcess(["--socket", path, "--no-http"] + KeptConnectionCheck.idleTimeout, socketPath: path, in: directory)
        try KeptConnectionCheck.survivesTheServersIdleTimeout(repl: repl, backendArguments: ["--backend", backend, "--socket", path])
        _ = server
    }

    @Test func aServerStartedAgainLeavesNoZombieBehind() throws {
        let directory = try TemporaryDirectory()
        let environment = ["XDG_RUNTIME_DIR": directory.path, "PATH": "/usr/bin:/bin", "TERM": "dumb"]
        let terminal = try PseudoTerminal(repl, ["--backend", "ipc", "-"], environment: environment)
        func startedServer() throws -> pid_t {
            let line = try terminal.expect("without connections")
            guard let digits = line.split(separator: "(pid ").last?.prefix(while: \.isNumber), let pid = pid_t(digits) else {
                throw PseudoTerminal.Failure.timedOut(waitingFor: "a pid", transcript: line)
            }
            return pid
        }
        terminal.send("1+1\n")
        let first = try startedServer()
        try terminal.expect("\n2\r\n")
        kill(first, SIGKILL)
        usleep(200_000)
        terminal.send("2+2\n")
        let second = try startedServer()
        try terminal.expect("\n4\r\n")
        let state = (try? String(contentsOfFile: "/proc/\(first)/stat", encoding: .utf8))?.split(separator: " ")[2]
        #expect(state == nil, "the killed server is still in the process table (state \(state ?? "-"))")
        kill(second, SIGTERM)
        terminal.send("\u{04}")
        #expect(terminal.waitForExit() == 0)
    }

    @Test(arguments: ["ipc", "shm"])
    func theDefaultSocketStartsAServerOnDemand(backend: String) throws {
        let directory = try TemporaryDirectory()
        let environment = ["XDG_RUNTIME_DIR": directory.path, "PATH": "/usr/bin:/bin"]
        let run = try ProcessRunner.run(repl, ["--backend", backend, "-e", "(1+3j) - 5j * 2"], environment: environment, timeout: 20)
        #expect(run.stdout == "(1-7j)\n")
        #expect(run.stderr.contains("started complex-server on \(directory.path)/complex-repl.sock"))
        // The server stays for the next run, which reuses it silently, over either backend.
        for next in ["ipc", "shm"] {
            let again = try ProcessRunner.run(repl, ["--backend", next, "-e", "2*3"], environment: environment)
            #expect(again.stdout == "6\n" && again.stderr.isEmpty)
        }
        if let pid = run.stderr.split(separator: "(pid ").last?.prefix(while: \.isNumber), let number = Int32(pid) {
            kill(number, SIGTERM)
        } else {
            Issue.record("no pid in \(run.stderr)")
        }
    }

    @Test(arguments: ["ipc", "shm"])
    func aMissingNonDefaultSocketIsNotAutoStarted(backend: String) throws {
        let run = try ProcessRunner.run(repl, ["--backend", backend, "--socket", "/nonexistent/s.sock", "-e", "1+1"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("\(backend): no complex-server at /nonexistent/s.sock"))
        #expect(run.stderr.contains("start one with: complex-server --socket /nonexistent/s.sock"))
    }

    /// A backend's argument option is the one its kind declares: `--socket` serves ipc
    /// and shm, and no other backend.
    @Test func theSocketOptionGoesWithTheSocketBackendsOnly() throws {
        let run = try ProcessRunner.run(repl, ["--backend", "http", "--socket", "/tmp/x.sock", "-e", "1+1"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("--socket goes with --backend ipc or shm"), "\(run.stderr)")
        let help = try ProcessRunner.run(repl, ["--help"])
        #expect(help.stdout.contains("for --backend ipc or shm"))
    }
}
