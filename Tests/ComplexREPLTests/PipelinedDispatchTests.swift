import Foundation
import Testing
import TestSupport

/// The socket backends put every ready operation in flight at once, and a server lost
/// in the middle of a window costs exactly the lines whose operations it dropped.
@Suite struct PipelinedDispatchTests {
    let repl = ProcessRunner.product("complex-repl")

    /// A fake complex-server that answers every request with 2 (`{"result":2}`), as a
    /// Unix socket or an HTTP server. It holds its answers until `hold` requests have
    /// arrived: a client that waits for each answer before it sends the next gets none.
    /// With `dropAfter` N, its first connection is closed after N answers, as a server
    /// that dies would; later connections are answered in full.
    static let fakeServer = #"""
    import re, socket, sys
    kind, where_, hold, drop_after = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    if kind == "unix":
        s = socket.socket(socket.AF_UNIX); s.bind(where_)
        ids = re.compile(rb'"id":(\d+)\}\n')
        reply = lambda i: b'{"result":2,"id":' + i + b'}\n'
    else:
        s = socket.socket(); s.bind(("127.0.0.1", 0))
        # A whole head: the id's field, then any other field lines, then the blank line.
        ids = re.compile(rb'X-Request-Id: (\d+)\r\n(?:[^\r]+\r\n)*?\r\n')
        reply = lambda i: b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Request-Id: ' + i + b'\r\nContent-Length: 13\r\n\r\n{"result":2}\n'
    s.listen(4)
    print(s.getsockname()[1] if kind == "tcp" else where_, flush=True)
    first = True
    while True:
        conn, _ = s.accept()
        buf, answered = b"", 0
        while True:
            data = conn.recv(65536)
            if not data:
                break
            buf += data
            found = ids.findall(buf)
            count = len(found)
            if answered == 0 and count < hold:
                continue
            if first and drop_after and count >= drop_after:
                conn.sendall(b"".join(reply(i) for i in found[answered:drop_after]))
                break
            conn.sendall(b"".join(reply(i) for i in found[answered:count]))
            answered = count
        conn.close()
        first = False
    """#

    func withFakeServer(_ kind: String, hold: Int, dropAfter: Int = 0, in directory: TemporaryDirectory,
                        _ body: (_ backendArguments: [String]) throws -> Void) throws {
        let peer = try ScriptedPeer(script: Self.fakeServer,
                                    arguments: [kind, directory.path + "/fake.sock", String(hold), String(dropAfter)])
        defer { peer.stop() }
        let address = peer.firstLine
        try body(kind == "unix" ? ["--backend", "ipc", "--socket", address]
                                : ["--backend", "http", "--url", "http://127.0.0.1:\(address)"])
    }

    /// 32 independent lines go out together; sent one at a time, the first would wait
    /// for an answer the server never gives (and fail after the 5 s reply limit).
    @Test(arguments: ["unix", "tcp"]) func readyOperationsAreInFlightTogether(kind: String) throws {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/ones.txt"
        try String(repeating: "1+1\n", count: 32).write(toFile: file, atomically: true, encoding: .utf8)
        try withFakeServer(kind, hold: 32, in: directory) { backend in
            let run = try ProcessRunner.run(repl, backend + [file], timeout: 30)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout == String(repeating: "2\n", count: 32))
        }
    }

    /// The server drops the connection after 40 of 100 answers: lines 41–100 each get
    /// one error naming the lost server, no line is printed twice or dropped, the exit
    /// status is 1, and after the meta-command (a window boundary) the REPL reconnects.
    @Test(arguments: ["unix", "tcp"]) func aServerLostInTheMiddleOfAWindow(kind: String) throws {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/ones.txt"
        try (String(repeating: "1+1\n", count: 100) + ":rect\n" + String(repeating: "1+1\n", count: 10))
            .write(toFile: file, atomically: true, encoding: .utf8)
        try withFakeServer(kind, hold: 1, dropAfter: 40, in: directory) { backend in
            let run = try ProcessRunner.run(repl, backend + [file], timeout: 30)
            #expect(run.status == 1)
            #expect(run.stdout == String(repeating: "2\n", count: 50), "\(run.stdout)")
            let errors = run.stderr.split(separator: "\n")
            #expect(errors.count == 60, "\(run.stderr)")
            for (index, error) in errors.enumerated() {
                #expect(error.hasPrefix("\(file):\(41 + index):2: error: "), "\(error)")
                #expect(error.contains("lost complex-server"), "\(error)")
            }
        }
    }
}
