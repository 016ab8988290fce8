import Foundation
import Testing
import TestSupport

/// The REPL with `--backend ipc` against a real complex-server.
@Suite struct IPCBackendTests {
    let repl = ProcessRunner.product("complex-repl")

    @Test func resultsAreByteIdenticalToLocal() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s.sock"
        let server = try ServerProcess(["--socket", path, "--no-http"], socketPath: path, in: directory)
        try BackendIdentity.expectIdenticalToLocal(["--backend", "ipc", "--socket", path], in: directory,
                                                   exact: (3000, 99), functions: (1500, 100))
        _ = server
    }

    @Test func aServerThatDiesGivesAClearErrorAndTheREPLReconnects() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s.sock"
        var server: ServerProcess? = try ServerProcess(["--socket", path, "--no-http"], socketPath: path, in: directory)
        // Pipe mode ('-') on a terminal, so lines can be fed one at a time.
        let terminal = try PseudoTerminal(repl, ["--backend", "ipc", "--socket", path, "-"], environment: ["TERM": "dumb"])
        terminal.send("1+1\n")
        try terminal.expect("\n2\r\n")
        server?.stop(signal: SIGKILL)
        server = nil
        // The kept connection is dead; the one more try on a new connection finds no server.
        terminal.send("2+2\n")
        try terminal.expect("<stdin>:2:2: error: ipc: no complex-server at \(path)")
        terminal.send("3+3\n")
        try terminal.expect("<stdin>:3:2: error: ipc: no complex-server at \(path) (connect: ")
        try terminal.expect("start one with: complex-server --socket \(path)")
        server = try ServerProcess(["--socket", path, "--no-http"], socketPath: path, in: directory)
        terminal.send("4+4\n")
        try terminal.expect("\n8\r\n")
        terminal.send("\u{04}")
        #expect(terminal.waitForExit() == 1)  // lines 2 and 3 failed
    }

    @Test func aConnectionTheServerClosedWhileIdleIsReplacedUnnoticed() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s.sock"
        let server = try ServerProcess(["--socket", path, "--no-http"] + KeptConnectionCheck.idleTimeout, socketPath: path, in: directory)
        try KeptConnectionCheck.survivesTheServersIdleTimeout(repl: repl, backendArguments: ["--backend", "ipc", "--socket", path])
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

    @Test func theDefaultSocketStartsAServerOnDemand() throws {
        let directory = try TemporaryDirectory()
        let environment = ["XDG_RUNTIME_DIR": directory.path, "PATH": "/usr/bin:/bin"]
        let run = try ProcessRunner.run(repl, ["--backend", "ipc", "-e", "(1+3j) - 5j * 2"], environment: environment, timeout: 20)
        #expect(run.stdout == "(1-7j)\n")
        #expect(run.stderr.contains("started complex-server on \(directory.path)/complex-repl.sock"))
        // The server stays for the next run, which reuses it silently.
        let again = try ProcessRunner.run(repl, ["--backend", "ipc", "-e", "2*3"], environment: environment)
        #expect(again.stdout == "6\n" && again.stderr.isEmpty)
        if let pid = run.stderr.split(separator: "(pid ").last?.prefix(while: \.isNumber), let number = Int32(pid) {
            kill(number, SIGTERM)
        } else {
            Issue.record("no pid in \(run.stderr)")
        }
    }

    @Test func aMissingNonDefaultSocketIsNotAutoStarted() throws {
        let run = try ProcessRunner.run(repl, ["--backend", "ipc", "--socket", "/nonexistent/s.sock", "-e", "1+1"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("no complex-server at /nonexistent/s.sock"))
        #expect(run.stderr.contains("start one with: complex-server --socket /nonexistent/s.sock"))
    }
}
