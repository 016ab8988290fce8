import ComplexWire
import Foundation
import Testing
import TestSupport

/// Round three of attacks on the thread-per-connection server (issue 25): whom a full
/// server makes room for, deadlines that hold however the bytes trickle, and replies
/// made only as fast as a client reads them. The heavier versions, with 1,000 and more
/// connections, are in `scripts/attack-test`.
@Suite struct AdmissionTests {
    /// When the server is full, the connection idle longest makes room, answered or not.
    @Test func whenFullTheConnectionIdleLongestMakesRoom() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s.sock"
        let server = try ServerProcess(["--socket", path, "--no-http", "--max-connections", "3"], socketPath: path, in: directory)
        let clients = try (0..<3).map { _ in try LineClient(socketPath: path) }
        for client in clients { #expect(try client.call(#"{"op":"neg","a":1}"#) == #"{"result":-1}"#) }
        usleep(20_000)
        // The first is used again: the second is now the one idle longest.
        #expect(try clients[0].call(#"{"op":"neg","a":2}"#) == #"{"result":-2}"#)
        let newcomer = try LineClient(socketPath: path)
        #expect(try newcomer.call(#"{"op":"neg","a":3}"#) == #"{"result":-3}"#)
        #expect((try? clients[1].call(#"{"op":"neg","a":4}"#)) == nil, "the connection idle longest was not the one evicted")
        #expect(try clients[0].call(#"{"op":"neg","a":5}"#) == #"{"result":-5}"#)
        #expect(try clients[2].call(#"{"op":"neg","a":6}"#) == #"{"result":-6}"#)
        #expect(server.process.isRunning)
    }

    /// A connection never answered goes first, whoever comes; then HTTP before the
    /// socket; and an HTTP newcomer never takes an answered socket connection's place.
    @Test func theUnansweredGoFirstAndHTTPNeverTakesTheSocketsPlaces() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s.sock"
        let server = try ServerProcess(["--socket", path, "--http", "127.0.0.1:0", "--max-connections", "2"], socketPath: nil, in: directory)
        let port = try server.httpPort()
        let answered = try LineClient(socketPath: path)
        #expect(try answered.call(#"{"op":"neg","a":1}"#) == #"{"result":-1}"#)
        let silent = try LineClient(socketPath: path)
        usleep(50_000)
        // Full: an HTTP newcomer takes the place of the socket connection never answered,
        // though the answered one has been idle longer.
        let http = try HTTPTestClient(port: port)
        #expect(try http.request("POST", "/neg", body: #"{"a":2}"#).body == #"{"result":-2}"# + "\n")
        #expect(try silent.readLine() == nil)
        usleep(50_000)
        // A socket newcomer takes the HTTP connection's place, though the socket one has
        // been idle longer.
        let newcomer = try LineClient(socketPath: path)
        #expect(try newcomer.call(#"{"op":"neg","a":3}"#) == #"{"result":-3}"#)
        #expect(http.isClosedByPeer())
        // Full of answered socket connections: HTTP is refused.
        let refused = try HTTPTestClient(port: port)
        #expect(try refused.readResponse().status == 503)
        #expect(try answered.call(#"{"op":"neg","a":4}"#) == #"{"result":-4}"#)
        #expect(server.process.isRunning)
    }

    /// 1,024 connections each answered once and then quiet, and 1,024 refused `401`s,
    /// once kept every newcomer out for as long as they stayed. Here 16 of each against a
    /// limit of 16, reconnecting 50 ms after they are cut: a legitimate client, over HTTP
    /// and over the socket, is served within a second every time.
    @Test(arguments: [false, true]) func connectionsAnsweredOnceCannotLockOthersOut(withToken: Bool) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s.sock"
        let token = withToken ? ["--token", "s3cret"] : []
        let server = try ServerProcess(["--socket", path, "--http", "127.0.0.1:0", "--max-connections", "16"] + token, socketPath: nil, in: directory)
        let port = try server.httpPort()
        // Each attacker is answered once (a 401 without the token), then sends one
        // request every 20 s, and reconnects when cut.
        let attack = #"""
        import socket, sys, threading, time
        port, until = int(sys.argv[1]), time.time() + float(sys.argv[2])
        request = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
        def linger():
            while time.time() < until:
                try:
                    s = socket.create_connection(("127.0.0.1", port), timeout=2)
                    while time.time() < until:
                        s.sendall(request)
                        if not s.recv(4096): break
                        s.settimeout(20)
                        if s.recv(1) == b"": break
                except OSError:
                    pass
                time.sleep(0.05)
        threads = [threading.Thread(target=linger, daemon=True) for _ in range(16)]
        for t in threads: t.start()
        print("attacking", flush=True)
        for t in threads: t.join()
        """#
        let attacker = try ScriptedPeer(script: attack, arguments: [String(port), "12"])
        defer { attacker.stop() }
        usleep(1_500_000)  // the attack fills the server
        var served = 0
        for attempt in 0..<10 {
            let start = Date()
            let headers = withToken ? ["Authorization": "Bearer s3cret"] : [:]
            let response = try? HTTPTestClient(port: port).request("POST", "/neg", body: #"{"a":\#(attempt + 1)}"#, headers: headers)
            let overSocket = try? LineClient(socketPath: path, timeoutSeconds: 1).call(#"{"op":"neg","a":\#(attempt + 1)}"#)
            let seconds = Date().timeIntervalSince(start)
            let ok = response?.status == 200 && overSocket == #"{"result":-\#(attempt + 1)}"# && seconds < 1
            if ok { served += 1 }
            #expect(ok, "attempt \(attempt): HTTP \(response?.status ?? 0), socket \(overSocket ?? "nothing") after \(seconds) s")
            usleep(200_000)
        }
        #expect(served == 10)
        #expect(server.process.isRunning)
    }

    /// A head trickled a byte every 0.1 s once stayed open for as long as the bytes
    /// came: the deadlines were looked at only when a read had waited a quarter of the
    /// header timeout. Now the connection is cut when its header deadline passes.
    @Test func theHeaderDeadlineHoldsHoweverTheBytesTrickle() throws {
        let directory = try TemporaryDirectory()
        let server = try ServerProcess(["--no-socket", "--http", "127.0.0.1:0", "--header-timeout", "1", "--request-timeout", "5"], socketPath: nil, in: directory)
        let port = try server.httpPort()
        let trickler = try HTTPTestClient(port: port)
        let start = Date()
        var cut: Double?
        for character in "POST /add HTTP/1.1\r\nHost: t\r\nX-Padding: " + String(repeating: "x", count: 100) {
            if (try? trickler.send(String(character))) == nil || trickler.hasBeenClosed() {
                cut = Date().timeIntervalSince(start)
                break
            }
            usleep(100_000)
        }
        #expect(cut != nil, "a head trickled for \(Date().timeIntervalSince(start)) s was never cut")
        #expect((cut ?? 99) < 1.6, "cut after \(cut ?? 0) s, with a 1 s header deadline")
        #expect(try HTTPTestClient(port: port).request("GET", "/health").status == 200)
    }

    /// 100 connections that each send 64 KiB of `GET /openapi.yaml` (a 28 KB reply to 33
    /// bytes of request) and read nothing: the server once made about 3 MB of replies for
    /// each before it blocked. Now each holds at most `Connection.outputBudget` plus one
    /// reply unsent.
    @Test func slowReadersCannotMakeTheServerBuildTheirReplies() throws {
        let directory = try TemporaryDirectory()
        let server = try ServerProcess(["--no-socket", "--http", "127.0.0.1:0"], socketPath: nil, in: directory)
        let port = try server.httpPort()
        #expect(try HTTPTestClient(port: port).request("GET", "/health").status == 200)
        let before = server.residentMegabytes
        let burst = String(repeating: "GET /openapi.yaml HTTP/1.1\r\nHost: x\r\n\r\n", count: 65536 / 38)
        var readers: [HTTPTestClient] = []
        for _ in 0..<100 {
            let reader = try HTTPTestClient(port: port)
            var size: Int32 = 4096  // small buffers on the reader's side: the server's replies wait in the server
            setsockopt(reader.fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
            try reader.sendWithoutBlocking(burst)
            readers.append(reader)
        }
        usleep(1_000_000)
        let after = server.residentMegabytes
        #expect(after - before < 48, "100 slow readers took the server from \(before) MB to \(after) MB")
        readers.removeAll()
        #expect(try HTTPTestClient(port: port).request("GET", "/health").status == 200)
    }

    /// A reader that takes a byte at a time lets each `send` through a little at a time;
    /// the write must still finish within the idle timeout, or the connection ends.
    @Test func aWriteThatNeverFinishesEndsTheConnection() throws {
        let directory = try TemporaryDirectory()
        let server = try ServerProcess(["--no-socket", "--http", "127.0.0.1:0", "--idle-timeout", "1"], socketPath: nil, in: directory)
        let port = try server.httpPort()
        let before = server.threadCount
        let reader = try HTTPTestClient(port: port)
        var size: Int32 = 4096
        setsockopt(reader.fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        try reader.sendWithoutBlocking(String(repeating: "GET /openapi.yaml HTTP/1.1\r\nHost: x\r\n\r\n", count: 200))
        let start = Date()
        var ended: Double?
        var byte: UInt8 = 0
        while Date().timeIntervalSince(start) < 10 {
            _ = recv(reader.fd, &byte, 1, Int32(MSG_DONTWAIT))
            if Date().timeIntervalSince(start) > 0.3 && server.threadCount <= before {
                ended = Date().timeIntervalSince(start)
                break
            }
            usleep(50_000)
        }
        // Its connection's thread is gone within the idle timeout of the stalled write
        // (and a little more for the writes that went through before it stalled).
        #expect(ended != nil, "a reader taking a byte every 50 ms was kept for 10 s")
        #expect((ended ?? 99) < 4, "the stalled write ended the connection only after \(ended ?? 0) s")
        #expect(server.process.isRunning)
    }
}
