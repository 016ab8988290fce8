import Foundation
import Testing
import TestSupport

/// complex-server's gRPC listener against Python's grpcio, a peer in another stack
/// (Tests/Oracle/grpc_peer.py, and examples/grpc/client.py as a user runs it).
@Suite struct GRPCServerTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let peer = root + "/Tests/Oracle/grpc_peer.py"
    static let client = root + "/examples/grpc/client.py"

    /// A server with only the gRPC listener (and `extra`), on a free port.
    func withServer(_ extra: [String] = [], _ body: (ServerProcess, String, TemporaryDirectory) throws -> Void) throws {
        let directory = try TemporaryDirectory()
        let server = try ServerProcess(["--no-socket", "--no-http", "--grpc", "127.0.0.1:0"] + extra, socketPath: nil, in: directory)
        try body(server, "127.0.0.1:\(try server.grpcPort())", directory)
    }

    func python(_ arguments: [String], environment: [String: String] = [:], timeout: Double = 60) throws -> ProcessRunner.Result {
        try ProcessRunner.run("/usr/bin/env", environment.map { "\($0)=\($1)" } + ["python3"] + arguments, timeout: timeout)
    }

    /// Every operation on a set of operands, from Python, one call at a time and over one
    /// stream: what the REPL prints for the same lines computed locally, byte for byte.
    @Test func pythonsClientComputesAsLocalDoes() throws {
        try withServer { _, address, directory in
            let expressions = directory.path + "/expressions.txt", expected = directory.path + "/expected.txt"
            let corpus = try python([Self.peer, "corpus", address, expressions, expected])
            #expect(corpus.status == 0, "\(corpus.stderr)")
            let local = try ProcessRunner.run(ProcessRunner.product("complex-repl"), [expressions])
            #expect(local.stdout == (try String(contentsOfFile: expected, encoding: .utf8)))
            let errors = local.stderr.split(separator: "\n").filter { $0.contains(": error: ") }.count
            #expect(corpus.stdout.contains("errors=\(errors)") && errors > 0, "\(corpus.stdout) against \(errors)")
            // The example, with the demo's flags.
            let add = try python([Self.client, "--target", address, "--add", "--arg1", "1+3j", "--arg2", "-5j"])
            #expect(add.stdout == "(1-2j)\n" && add.status == 0, "\(add.stderr)")
            let division = try python([Self.client, "--target", address, "--div", "--arg1", "1", "--arg2", "0"])
            #expect(division.stderr == "error: division_by_zero: division by zero\n" && division.status == 1)
            let bench = try python([Self.client, "--target", address, "--bench", "50"])
            #expect(bench.stdout.contains("calls=50 p50_us="), "\(bench.stderr)")
        }
    }

    /// INVALID_ARGUMENT, UNIMPLEMENTED, a message over the limit refused, math errors as
    /// answers, the stream's refusals in their places, and the health service.
    @Test func statusesAreWhatAGRPCUserExpects() throws {
        try withServer { _, address, _ in
            let run = try python([Self.peer, "statuses", address])
            #expect(run.stdout == "statuses ok\n", "\(run.stderr)")
        }
    }

    /// With a token, every call (the health service's too) needs `authorization: Bearer
    /// TOKEN` metadata: none, another scheme, a wrong or longer token get UNAUTHENTICATED.
    @Test func theTokenIsRequiredAsMetadata() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/token"
        try "grpc-s3cret\n".write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o600)
        try withServer(["--token-file", file]) { _, address, _ in
            let run = try python([Self.peer, "auth", address, "grpc-s3cret"])
            #expect(run.stdout == "auth ok\n", "\(run.stderr)")
            let example = try python([Self.client, "--target", address, "--mul", "--arg1", "2", "--arg2", "3j"],
                                     environment: ["COMPLEX_SERVER_TOKEN": "grpc-s3cret"])
            #expect(example.stdout == "6j\n", "\(example.stderr)")
        }
        // Without a token, only loopback.
        let exposed = try ProcessRunner.run(ProcessRunner.product("complex-server"), ["--no-socket", "--no-http", "--grpc", "0.0.0.0:0"], timeout: 20)
        #expect(exposed.status == 64 && exposed.stderr.contains("--grpc 0.0.0.0:0 is reachable from other machines"), "\(exposed.stderr)")
    }

    /// SIGTERM: health watchers are told NOT_SERVING, and the server exits at once with
    /// status 0, an open stream or not.
    @Test func sigtermTellsWatchersAndStopsPromptly() throws {
        try withServer { server, address, directory in
            let output = directory.path + "/watch.txt"
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            let watcher = try ProcessRunner.spawn("/bin/sh", ["-c", "exec python3 \(Self.peer) watch \(address) > \(output) 2>&1"],
                                                  actions: &actions, environment: ProcessInfo.processInfo.environment)
            let deadline = Date().addingTimeInterval(10)
            while !((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").contains("SERVING"), Date() < deadline { usleep(20_000) }
            let start = Date()
            #expect(server.stop(signal: SIGTERM, timeout: 5) == 0)
            #expect(Date().timeIntervalSince(start) < 2)
            var status: Int32 = 0
            waitpid(watcher, &status, 0)
            let seen = try String(contentsOfFile: output, encoding: .utf8)
            #expect(seen.hasPrefix("SERVING\nNOT_SERVING\n"), "\(seen)")
        }
    }

    /// A stream left without requests is ended by the server (status OK) after the idle
    /// timeout, as an idle connection is closed.
    @Test func anIdleStreamIsEnded() throws {
        try withServer(["--idle-timeout", "1"]) { _, address, _ in
            let run = try python([Self.peer, "idle", address])
            #expect(run.stdout.hasPrefix("ended OK replies=1 after=1."), "\(run.stdout) \(run.stderr)")
        }
    }

    /// A unary call whose message never comes ends with DEADLINE_EXCEEDED at the
    /// request deadline, as a request that trickles on the other listeners is cut.
    @Test func aStalledCallMeetsTheRequestDeadline() throws {
        try withServer(["--request-timeout", "1"]) { _, address, _ in
            let run = try python([Self.peer, "stall", address])
            #expect(run.stdout.hasPrefix("grpc-status=4 after=1."), "\(run.stdout) \(run.stderr)")
        }
    }

    /// gRPC connections count against the connection limit beside the socket's: one
    /// answered socket connection holds the only place, which a gRPC newcomer may not take.
    @Test func theConnectionLimitHolds() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s.sock"
        let server = try ServerProcess(["--socket", path, "--no-http", "--grpc", "127.0.0.1:0", "--max-connections", "1"],
                                       socketPath: path, in: directory)
        let address = "127.0.0.1:\(try server.grpcPort())"
        usleep(200_000)  // the readiness probe's connection has closed
        let socket = try LineClient(socketPath: path)
        #expect(try socket.call(#"{"op":"neg","a":1}"#) == #"{"result":-1}"#)
        let refused = try python([Self.peer, "refused", address])
        #expect(refused.stdout.hasPrefix("UNAVAILABLE"), "\(refused.stdout) \(refused.stderr)")
        #expect(try socket.call(#"{"op":"neg","a":2}"#) == #"{"result":-2}"#)
    }

    /// A gRPC connection costs tens of kilobytes and no thread: 100 held open, each
    /// answered once, add under 16 MB (about 45 KB each, docs/RELIABILITY.md) and not
    /// one thread (grpc-swift's event loops serve them all).
    @Test func heldConnectionsCostLittleMemoryAndNoThreads() throws {
        try withServer { server, address, directory in
            let before = server.residentMegabytes, threads = server.threadCount
            let output = directory.path + "/hold.txt"
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            var pipeEnds: [Int32] = [0, 0]
            pipe(&pipeEnds)
            posix_spawn_file_actions_adddup2(&actions, pipeEnds[0], 0)
            posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
            let holder = try ProcessRunner.spawn("/bin/sh", ["-c", "exec python3 \(Self.peer) hold \(address) 100 > \(output) 2>&1"],
                                                 actions: &actions, environment: ProcessInfo.processInfo.environment)
            close(pipeEnds[0])
            defer {
                close(pipeEnds[1])  // the holder's stdin ends: it lets go
                var status: Int32 = 0
                waitpid(holder, &status, 0)
            }
            let deadline = Date().addingTimeInterval(60)
            while !((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").contains("holding"), Date() < deadline { usleep(50_000) }
            #expect((try? String(contentsOfFile: output, encoding: .utf8)) == "holding 100\n")
            usleep(300_000)
            #expect(server.residentMegabytes - before < 16, "\(before) MB → \(server.residentMegabytes) MB")
            #expect(server.threadCount == threads)
        }
    }

    /// GET /metrics counts gRPC calls as a transport of their own.
    @Test func metricsCountGRPCAsItsOwnTransport() throws {
        let directory = try TemporaryDirectory()
        let server = try ServerProcess(["--no-socket", "--http", "127.0.0.1:0", "--grpc", "127.0.0.1:0"], socketPath: nil, in: directory)
        let address = "127.0.0.1:\(try server.grpcPort())"
        let add = try python([Self.client, "--target", address, "--add", "--arg1", "1", "--arg2", "2"])
        #expect(add.stdout == "3\n" || add.stdout == "3.0\n", "\(add.stderr)")
        _ = try python([Self.client, "--target", address, "--op", "log", "--arg1", "0"])
        let metrics = try HTTPTestClient(port: try server.httpPort()).request("GET", "/metrics").body
        #expect(metrics.contains(#"complex_server_requests_total{operation="add",transport="grpc"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"complex_server_errors_total{code="domain_error",transport="grpc"} 1"#))
    }
}
