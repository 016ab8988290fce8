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
        var server: ServerProcess? = try ServerProcess(["--no-socket", "--http", "127.0.0.1:0"], socketPath: nil, in: directory)
        let port = try server!.httpPort()
        let url = "http://127.0.0.1:\(port)"
        let terminal = try PseudoTerminal(repl, ["--backend", "http", "--url", url, "-"], environment: ["TERM": "dumb"])
        terminal.send("1+1\n")
        try terminal.expect("\n2\r\n")
        server?.stop(signal: SIGKILL)
        server = nil
        // The kept connection is dead; the one more try on a new connection finds no server.
        terminal.send("2+2\n")
        try terminal.expect("<stdin>:2:2: error: http: no complex-server at \(url)")
        terminal.send("3+3\n")
        try terminal.expect("<stdin>:3:2: error: http: no complex-server at \(url)")
        try terminal.expect("start one with: complex-server --no-socket --http 127.0.0.1:\(port)")
        server = try ServerProcess(["--no-socket", "--http", "127.0.0.1:\(port)"], socketPath: nil, in: directory)
        _ = try server?.httpPort()
        terminal.send("4+4\n")
        try terminal.expect("\n8\r\n")
        terminal.send("\u{04}")
        #expect(terminal.waitForExit() == 1)
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
