import Foundation
import Testing
import TestSupport

/// The `stdio` backend: a child process speaking the socket's protocol on its stdin and
/// stdout. `complex-server --stdio` (the default child), the Python and Rust examples,
/// and children that misbehave, each as a real process.
@Suite struct StdioBackendTests {
    let repl = ProcessRunner.product("complex-repl")
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/stdio").path

    /// The Rust worker, built once (cargo, offline, against Debian's serde_json; the
    /// script installs what it lacks).
    static let rustWorker: Swift.Result<String, any Error> = Swift.Result {
        let directory = NSTemporaryDirectory() + "complex-repl-rust-worker-\(getpid())"
        atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "complex-repl-rust-worker-\(getpid())") }
        let run = try ProcessRunner.run(examples + "/rust/build", [directory], timeout: 900)
        guard run.status == 0 else { throw BuildFailure(log: run.stderr) }
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct BuildFailure: Error, CustomStringConvertible {
        var log: String
        var description: String { "examples/stdio/rust/build failed:\n\(log)" }
    }

    /// Whether process `pid` still exists (a zombie counts: it was not reaped).
    static func exists(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno != ESRCH
    }

    @Test func theDefaultChildIsByteIdenticalToLocal() throws {
        let directory = try TemporaryDirectory()
        try BackendIdentity.expectIdenticalToLocal(["--backend", "stdio"], in: directory,
                                                   exact: (lines: 1500, seed: 91), functions: (lines: 600, seed: 92))
    }

    /// The demo's four operations on literals, specials and signed zeros: what the
    /// examples support, and nothing else (a unary minus is an operation they lack).
    static func demoCorpus(lines: Int, seed: UInt64) -> String {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        let operands = ["0", "0.0", "1", "2.5", "1e308", "1e-320", "0.1", "3j", "0j", "(1.5+2j)", "(0.25+3j)", "(1e308+1e308j)",
                        "(0.0-0j)", "(1e308*10)", "(1e308*10 - 1e308*10)", "(0 - 0.0)", "(2j - 7)", "123.456"]
        func expression(_ depth: Int) -> String {
            if depth == 0 || next(3) == 0 { return operands[next(operands.count)] }
            return "(\(expression(depth - 1)) \(["+", "-", "*", "/"][next(4)]) \(expression(depth - 1)))"
        }
        return (0..<lines).map { _ in expression(3) }.joined(separator: "\n") + "\n"
    }

    @Test(arguments: ["python", "rust"]) func theExamplesAnswerAsLocalDoesWhatTheySupport(worker: String) throws {
        let command = worker == "python" ? "python3 \(Self.examples)/worker.py" : try Self.rustWorker.get()
        let directory = try TemporaryDirectory()
        let file = directory.path + "/demo.txt"
        try Self.demoCorpus(lines: 2000, seed: 5).write(toFile: file, atomically: true, encoding: .utf8)
        let local = try ProcessRunner.run(repl, [file])
        #expect(local.stdout.split(separator: "\n").count > 1000)
        for window in [[], ["--window", "3"]] {
            let run = try ProcessRunner.run(repl, ["--backend", "stdio", "--command", command] + window + [file], timeout: 120)
            #expect(run.stdout == local.stdout, "\(worker) \(window)")
            #expect(run.stderr == local.stderr, "\(worker) \(window)")
            #expect(run.status == local.status)
        }
        // What it does not do is a clear error for that line, and the rest goes on.
        let unsupported = try ProcessRunner.run(repl, ["--backend", "stdio", "--command", command, "-e", "sqrt(4)", "-e", "1+2"])
        #expect(unsupported.stderr.contains("this worker does add, sub, mul and div, not sqrt"), "\(unsupported.stderr)")
        #expect(unsupported.stdout == "3\n")
        #expect(unsupported.status == 1)
    }

    /// A child that dies, writes what is not the protocol, is killed, or answers
    /// nothing: the affected line gets an error naming the command and what happened,
    /// nothing is printed for it, and the next operation starts a new child (each of
    /// these misbehaves only in its first life, marked by a file).
    @Test(arguments: [
        ("sys.exit(3)", "exited with status 3"),
        ("print('hello, not JSON', flush=True)", "sent a reply that is not the protocol's"),
        ("os.kill(os.getpid(), 9)", "was killed by signal 9"),
        ("time.sleep(30)", "no complete reply within 5 s"),
    ]) func aChildThatFailsFailsItsLineAndTheNextOperationStartsAnother(misdeed: String, says: String) throws {
        let directory = try TemporaryDirectory()
        let marker = directory.path + "/first-life"
        let script = directory.path + "/child.py"
        try """
            import os, sys, time
            sys.path.insert(0, \(String(reflecting: Self.examples)))
            from worker import reply
            first = not os.path.exists(\(String(reflecting: marker)))
            open(\(String(reflecting: marker)), "w").close()
            for line in sys.stdin:
                if first:
                    \(misdeed)
                sys.stdout.write(reply(line))
                sys.stdout.flush()
            """.write(toFile: script, atomically: true, encoding: .utf8)
        let command = "python3 \(script)"
        let started = Date()
        let run = try ProcessRunner.run(repl, ["--backend", "stdio", "--command", command, "--window", "1"], input: "1+2\n3*4j\n", timeout: 60)
        #expect(run.stdout == "12j\n", "\(run.stderr)")
        #expect(run.stderr.hasPrefix("<stdin>:1:2: error: stdio: "), "\(run.stderr)")
        #expect(run.stderr.contains("the command \(command)") && run.stderr.contains(says), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1, "one error, for the one line: \(run.stderr)")
        #expect(run.status == 1)
        #expect(Date().timeIntervalSince(started) < 30)
    }

    /// What the child writes on its stderr reaches the user's.
    @Test func theChildsStderrPassesThrough() throws {
        let run = try ProcessRunner.run(repl, ["--backend", "stdio", "--command",
                                               "sh -c 'echo warming up >&2; exec python3 \(Self.examples)/worker.py'", "-e", "1+2"])
        #expect(run.stdout == "3\n")
        #expect(run.stderr == "warming up\n")
        #expect(run.status == 0)
    }

    /// The child ends with the session, however the session ends: at its end (even a
    /// child that ignores the end of its input and SIGTERM is killed after the grace
    /// periods), and when the REPL is stopped by SIGTERM.
    @Test func theChildEndsWithTheSession() throws {
        let directory = try TemporaryDirectory()
        let pidFile = directory.path + "/pid"
        // Answers one request, then ignores the end of its input and SIGTERM.
        let stubborn = "sh -c 'echo $$ > \(pidFile); trap \"\" TERM; read line; echo {\\\"result\\\":3,\\\"id\\\":1}; exec sleep 60'"
        let started = Date()
        let run = try ProcessRunner.run(repl, ["--backend", "stdio", "--command", stubborn, "-e", "1+2"], timeout: 30)
        #expect(run.stdout == "3\n", "\(run.stderr)")
        let pid = pid_t(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(pid > 0)
        #expect(!Self.exists(pid), "the child outlived the session")
        #expect(Date().timeIntervalSince(started) < 10)

        // SIGTERM to a REPL reading a pipe: its child goes with it (the REPL is spawned
        // with no signal blocked, as every process the tests start).
        let polite = "sh -c 'echo $$ > \(pidFile); exec python3 \(Self.examples)/worker.py'"
        try? FileManager.default.removeItem(atPath: pidFile)
        var input: [Int32] = [0, 0]
        #expect(pipe(&input) == 0)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_addclose(&actions, input[1])
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let replPID = try ProcessRunner.spawn(repl, ["--backend", "stdio", "--command", polite], actions: &actions,
                                              environment: ProcessRunner.isolatedEnvironment(in: directory.path))
        close(input[0])
        defer { close(input[1]) }
        _ = "1+2\n".withCString { write(input[1], $0, 4) }
        var childPID: pid_t = 0
        for _ in 0..<500 where childPID == 0 {
            usleep(10_000)
            childPID = pid_t((try? String(contentsOfFile: pidFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        }
        #expect(childPID > 0)
        usleep(300_000)
        kill(replPID, SIGTERM)
        var status: Int32 = 0
        var waited: pid_t = 0
        for _ in 0..<500 where waited == 0 {
            waited = waitpid(replPID, &status, WNOHANG)
            if waited == 0 { usleep(10_000) }
        }
        if waited == 0 { kill(replPID, SIGKILL); waitpid(replPID, &status, 0) }
        #expect(waited == replPID && status & 0x7F == SIGTERM, "the REPL did not end by SIGTERM (status \(status))")
        let deadline = Date().addingTimeInterval(5)
        while childPID > 0 && Self.exists(childPID) && Date() < deadline { usleep(20_000) }
        #expect(childPID > 0 && !Self.exists(childPID), "the child outlived a REPL stopped by SIGTERM")
    }

    /// `:backend stdio COMMAND ARGS…` takes the rest of the line as the command, and
    /// switching away ends the child.
    @Test func theBackendCommandTakesTheRestOfTheLine() throws {
        let directory = try TemporaryDirectory()
        let pidFile = directory.path + "/pid"
        let input = "1+2\n:backend stdio sh -c 'echo $$ > \(pidFile); exec python3 \(Self.examples)/worker.py'\n2*3j\n:backend\n:backend local\n4+4\n"
        let run = try ProcessRunner.run(repl, [], input: input)
        #expect(run.stdout.hasPrefix("3\n6j\nbackend: stdio (sh -c 'echo $$ > \(pidFile); exec python3 \(Self.examples)/worker.py')"), "\(run.stdout)")
        #expect(run.stdout.hasSuffix("8\n"))
        #expect(run.status == 0, "\(run.stderr)")
        let pid = pid_t(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(pid > 0 && !Self.exists(pid))
    }
}
