import Foundation
import Testing
import TestSupport

/// The REPL with `--backend grpc`: against complex-server's gRPC listener, and against
/// a Python grpcio server (examples/grpc/server.py), a peer in another stack.
@Suite struct GRPCBackendTests {
    let repl = ProcessRunner.product("complex-repl")
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/grpc").path

    func grpcServer(_ extra: [String] = [], in directory: TemporaryDirectory) throws -> (ServerProcess, String) {
        let server = try ServerProcess(["--no-socket", "--no-http", "--grpc", "127.0.0.1:0"] + extra, socketPath: nil, in: directory)
        return (server, "grpc://127.0.0.1:\(try server.grpcPort())")
    }

    @Test func resultsAreByteIdenticalToLocal() throws {
        let directory = try TemporaryDirectory()
        let (server, url) = try grpcServer(in: directory)
        try BackendIdentity.expectIdenticalToLocal(["--backend", "grpc", "--url", url], in: directory,
                                                   exact: (2000, 81), functions: (1000, 82))
        _ = server
    }

    @Test func aServerThatDiesGivesAClearErrorAndTheREPLReconnects() throws {
        let directory = try TemporaryDirectory()
        let (server, url) = try grpcServer(in: directory)
        let address = String(url.dropFirst("grpc://".count))
        try ServerLossCheck.aServerThatDiesGivesAClearErrorAndTheREPLReconnects(
            repl: repl, backend: "grpc", backendArguments: ["--url", url],
            address: url, startCommand: "complex-server --no-socket --no-http --grpc \(address)",
            server: server
        ) {
            let again = try ServerProcess(["--no-socket", "--no-http", "--grpc", address], socketPath: nil, in: directory)
            _ = try again.grpcPort()
            return again
        }
    }

    /// The server ends a stream idle past its timeout; the next line opens another
    /// without a word.
    @Test func aStreamTheServerEndedWhileIdleIsReplacedUnnoticed() throws {
        let directory = try TemporaryDirectory()
        let (server, url) = try grpcServer(KeptConnectionCheck.idleTimeout, in: directory)
        try KeptConnectionCheck.survivesTheServersIdleTimeout(repl: repl, backendArguments: ["--backend", "grpc", "--url", url])
        _ = server
    }

    /// A server killed with a window of lines in flight: each line it did not answer
    /// gets one clear error, none is printed twice, and the next line reconnects.
    @Test func aServerKilledMidWindowLosesNothingSilently() throws {
        let directory = try TemporaryDirectory()
        let (server, url) = try grpcServer(in: directory)
        let terminal = try PseudoTerminal(repl, ["--backend", "grpc", "--url", url, "-"], environment: ["TERM": "dumb"])
        terminal.send("1+1\n")
        try terminal.expect("\n2\r\n")
        kill(server.process.processIdentifier, SIGSTOP)  // the next line waits in flight...
        terminal.send("2+2\n")
        usleep(300_000)
        server.stop(signal: SIGKILL)  // ...and are lost with the server
        try terminal.expect("<stdin>:2:2: error: grpc: ")
        terminal.send("\u{04}")
        #expect(terminal.waitForExit() == 1)
        #expect(!terminal.transcript.contains("\n4\r\n"), "\(terminal.transcript)")
    }

    /// Against a 20-line Python grpcio server: what it supports is byte-identical to
    /// `local`; what it does not is a clear error for that line alone.
    @Test func aPythonServerAnswersAsLocalDoesWhatItSupports() throws {
        let directory = try TemporaryDirectory()
        let log = directory.path + "/python-server.log"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, log + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let pid = try ProcessRunner.spawn("/usr/bin/env", ["python3", Self.examples + "/server.py", "127.0.0.1:0"],
                                          actions: &actions, environment: ProcessInfo.processInfo.environment)
        defer { kill(pid, SIGKILL); var status: Int32 = 0; waitpid(pid, &status, 0) }
        var port = ""
        let deadline = Date().addingTimeInterval(20)
        while port.isEmpty && Date() < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: "listening on port ") { port = String(text[range.upperBound...].prefix(while: \.isNumber)) }
            usleep(20_000)
        }
        try #require(!port.isEmpty, "\((try? String(contentsOfFile: log + ".err", encoding: .utf8)) ?? "")")
        let file = directory.path + "/demo.txt"
        try StdioBackendTests.demoCorpus(lines: 1500, seed: 9).write(toFile: file, atomically: true, encoding: .utf8)
        let local = try ProcessRunner.run(repl, [file])
        #expect(local.stdout.split(separator: "\n").count > 700)
        for window in [[], ["--window", "3"]] {
            let run = try ProcessRunner.run(repl, ["--backend", "grpc", "--url", "grpc://127.0.0.1:\(port)"] + window + [file], timeout: 120)
            #expect(run.stdout == local.stdout, "\(window)")
            #expect(run.stderr == local.stderr, "\(window)")
            #expect(run.status == local.status)
        }
        let unsupported = try ProcessRunner.run(repl, ["--backend", "grpc", "--url", "grpc://127.0.0.1:\(port)", "-e", "sqrt(4)", "-e", "1+2"])
        #expect(unsupported.stderr.contains("this server does add, sub, mul and div, not sqrt"), "\(unsupported.stderr)")
        #expect(unsupported.stdout == "3\n" && unsupported.status == 1)
    }

    /// A server that wants a token: without one each line says so (UNAUTHENTICATED);
    /// with $COMPLEX_SERVER_TOKEN it computes.
    @Test func theTokenTravelsAsMetadata() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/token"
        try "t0ken\n".write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o600)
        let (server, url) = try grpcServer(["--token-file", file], in: directory)
        var environment = ProcessRunner.isolatedEnvironment(in: directory.path)
        let refused = try ProcessRunner.run(repl, ["--backend", "grpc", "--url", url, "-e", "1+1"], environment: environment)
        #expect(refused.status == 1 && refused.stderr.contains("UNAUTHENTICATED: missing or wrong authorization"), "\(refused.stderr)")
        environment["COMPLEX_SERVER_TOKEN"] = "t0ken"
        let served = try ProcessRunner.run(repl, ["--backend", "grpc", "--url", url, "-e", "1+1"], environment: environment)
        #expect(served.stdout == "2\n" && served.status == 0, "\(served.stderr)")
        _ = server
    }

    @Test func badURLsAreClearErrors() throws {
        let tls = try ProcessRunner.run(repl, ["--backend", "grpc", "--url", "grpcs://127.0.0.1:50051", "-e", "1"])
        #expect(tls.status != 0 && tls.stderr.contains("use grpc://"), "\(tls.stderr)")
        let http = try ProcessRunner.run(repl, ["--backend", "grpc", "--url", "http://127.0.0.1:50051", "-e", "1"])
        #expect(http.status != 0 && http.stderr.contains("expected a URL like grpc://127.0.0.1:50051"), "\(http.stderr)")
        let path = try ProcessRunner.run(repl, ["--backend", "grpc", "--url", "grpc://127.0.0.1:50051/x", "-e", "1"])
        #expect(path.status != 0 && path.stderr.contains("no path"), "\(path.stderr)")
    }
}
