import Foundation
import Testing
import TestSupport

/// A server that answers a byte at a time must not hold the REPL past its reply limit
/// (5 s for the whole reply): once, each `recv` had its own limit, and a byte every
/// second kept the REPL waiting until it was killed.
@Suite struct ReplyDeadlineTests {
    let repl = ProcessRunner.product("complex-repl")

    /// A fake server that reads a request, then sends `reply` one byte every 0.4 s.
    static let trickler = #"""
    import socket, sys, time
    kind, where_, reply = sys.argv[1], sys.argv[2], sys.argv[3].encode()
    if kind == "unix":
        s = socket.socket(socket.AF_UNIX); s.bind(where_)
    else:
        s = socket.socket(); s.bind(("127.0.0.1", 0))
    s.listen(4)
    print(s.getsockname()[1] if kind == "tcp" else where_, flush=True)
    conn, _ = s.accept()
    conn.recv(65536)
    deadline = time.time() + 30
    while time.time() < deadline:
        for byte in reply:
            conn.sendall(bytes([byte])); time.sleep(0.4)
    """#

    func withTrickler(_ kind: String, _ reply: String, in directory: TemporaryDirectory, _ body: (String) throws -> Void) throws {
        let peer = try ScriptedPeer(script: Self.trickler, arguments: [kind, directory.path + "/trickle.sock", reply])
        defer { peer.stop() }
        try body(peer.firstLine)
    }

    @Test func aTricklingSocketServerGetsATimeoutNotAHang() throws {
        let directory = try TemporaryDirectory()
        try withTrickler("unix", #"{"result":1}"# + String(repeating: " ", count: 100), in: directory) { path in
            let run = try ProcessRunner.run(repl, ["--backend", "ipc", "--socket", path, "-e", "1+1"], timeout: 20)
            #expect(run.status == 1)
            #expect(run.stderr.contains("no complete reply within 5 s"), "\(run.stderr)")
        }
    }

    @Test func aTricklingHTTPServerGetsATimeoutNotAHang() throws {
        let directory = try TemporaryDirectory()
        try withTrickler("tcp", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"result\":1}", in: directory) { port in
            let run = try ProcessRunner.run(repl, ["--backend", "http", "--url", "http://127.0.0.1:\(port)", "-e", "1+1"], timeout: 20)
            #expect(run.status == 1)
            #expect(run.stderr.contains("no complete reply within 5 s"), "\(run.stderr)")
        }
    }
}
