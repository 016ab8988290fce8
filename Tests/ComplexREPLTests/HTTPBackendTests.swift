import Foundation
import Testing
import TestSupport

/// The REPL with `--backend http` against a real complex-server.
@Suite struct HTTPBackendTests {
    let repl = ProcessRunner.product("complex-repl")

    @Test func resultsAreByteIdenticalToLocal() throws {
        let directory = try TemporaryDirectory()
        let server = try ServerProcess(["--no-socket", "--http", "127.0.0.1:0"], socketPath: nil, in: directory)
        let url = "http://127.0.0.1:\(try server.httpPort())"
        try BackendIdentity.expectIdenticalToLocal(["--backend", "http", "--url", url], in: directory,
                                                   exact: (3000, 77), functions: (1500, 78))
        _ = server
    }

    @Test func aServerThatDiesGivesAClearErrorAndTheREPLReconnects() throws {
        let directory = try TemporaryDirectory()
        let server = try ServerProcess(["--no-socket", "--http", "127.0.0.1:0"], socketPath: nil, in: directory)
        let port = try server.httpPort()
        try ServerLossCheck.aServerThatDiesGivesAClearErrorAndTheREPLReconnects(
            repl: repl, backend: "http", backendArguments: ["--url", "http://127.0.0.1:\(port)"],
            address: "http://127.0.0.1:\(port)", startCommand: "complex-server --no-socket --http 127.0.0.1:\(port)",
            server: server
        ) {
            let again = try ServerProcess(["--no-socket", "--http", "127.0.0.1:\(port)"], socketPath: nil, in: directory)
            _ = try again.httpPort()
            return again
        }
    }

    @Test func aConnectionTheServerClosedWhileIdleIsReplacedUnnoticed() throws {
        let directory = try TemporaryDirectory()
        let server = try ServerProcess(["--no-socket", "--http", "127.0.0.1:0"] + KeptConnectionCheck.idleTimeout, socketPath: nil, in: directory)
        let url = "http://127.0.0.1:\(try server.httpPort())"
        try KeptConnectionCheck.survivesTheServersIdleTimeout(repl: repl, backendArguments: ["--backend", "http", "--url", url])
        _ = server
    }

    @Test func badURLsAreClearErrors() throws {
        let https = try ProcessRunner.run(repl, ["--backend", "http", "--url", "https://127.0.0.1:3000", "-e", "1"])
        #expect(https.status != 0 && https.stderr.contains("use http://"))
        let path = try ProcessRunner.run(repl, ["--backend", "http", "--url", "http://127.0.0.1:3000/api", "-e", "1"])
        #expect(path.status != 0 && path.stderr.contains("no path"))
    }
}
