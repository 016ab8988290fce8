import Foundation
import Testing
import TestSupport
import ComplexWire

/// The server's limits: connections, idle and trickling clients, file descriptors,
/// and where its socket lives.
@Suite struct LimitsTests {
    /// Over the limit, a connection that can take nobody's place is refused: an HTTP
    /// one while socket connections hold every place. A freed place is reused.
    @Test func connectionsOverTheLimitAreRefusedAndTheOthersServed() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s.sock"
        let server = try ServerProcess(["--socket", path, "--http", "127.0.0.1:0", "--max-connections", "3"], socketPath: nil, in: directory)
        let port = try server.httpPort()
        let kept = try (0..<3).map { _ in try LineClient(socketPath: path) }
        for client in kept { #expect(try client.call(#"{"op":"neg","a":1}"#) == #"{"result":-1}"#) }
        let refusedHTTP = try HTTPTestClient(port: port)
        let refusal = try refusedHTTP.readResponse()
        #expect(refusal.status == 503 && refusal.body.contains(#""code":"too_many_connections""#))
        // The connections inside the limit are unaffected, and a freed place is reused.
        #expect(try kept[0].call(#"{"op":"neg","a":2}"#) == #"{"result":-2}"#)
        shutdown(kept[1].fd, Int32(SHUT_RDWR))
        var served = false
        for _ in 0..<100 where !served {
            usleep(20_000)
            if let client = try? HTTPTestClient(port: port), let reply = try? client.request("POST", "/neg", body: #"{"a":3}"#) {
                served = reply.status == 200
            }
        }
        #expect(served)
    }

    /// Each connection holds a thread, and so does each refusal while it drains, and each
    /// evicted connection until its thread notices: a flood of connections against a full
    /// server must not pile threads up. HTTP connections against a server whose places the
    /// socket holds are refused (past 64 draining, at once without the drain; everyone
    /// still hears "no"); socket connections that never send take each other's places.
    @Test func aFloodOfConnectionsPilesUpNoThreads() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s.sock"
        let server = try ServerProcess(["--socket", path, "--http", "127.0.0.1:0", "--max-connections", "2"], socketPath: nil, in: directory)
        let port = try server.httpPort()
        let kept = try (0..<2).map { _ in try LineClient(socketPath: path) }
        for client in kept { #expect(try client.call(#"{"op":"neg","a":1}"#) == #"{"result":-1}"#) }
        let before = server.threadCount
        var flood: [Int32] = []
        defer { for fd in flood { close(fd) } }
        var peak = 0
        for index in 0..<400 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let rc = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if rc == 0 { flood.append(fd) } else { close(fd) }
            if index % 20 == 0 { peak = max(peak, server.threadCount) }
        }
        peak = max(peak, server.threadCount)
        #expect(peak <= before + 64 + 4, "threads: \(before) before the HTTP flood, \(peak) at its peak")
        // Every flooding connection hears the refusal (or, past the drained ones, the end).
        var refusals = 0
        for fd in flood {
            var timeout = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var buffer = [UInt8](repeating: 0, count: 512)
            let count = recv(fd, &buffer, buffer.count, 0)
            #expect(count >= 0 || errno == ECONNRESET, "a refused connection heard nothing (errno \(errno))")
            if count > 0 && String(decoding: buffer[..<count], as: UTF8.self).contains("too_many_connections") { refusals += 1 }
        }
        #expect(refusals >= 64)
        for fd in flood { close(fd) }
        flood.removeAll()
        for _ in 0..<150 where server.threadCount > before { usleep(20_000) }
        let settled = server.threadCount
        // Socket connections that never send: the first takes the place of the connection
        // idle longest, and the rest take each other's, the unanswered going first.
        var silent: [LineClient] = []
        peak = 0
        for index in 0..<400 {
            if let client = try? LineClient(socketPath: path) { silent.append(client) }
            if index % 20 == 0 { peak = max(peak, server.threadCount) }
        }
        peak = max(peak, server.threadCount)
        #expect(peak <= settled + 64 + 4, "threads: \(settled) before the socket flood, \(peak) at its peak")
        silent.removeAll()
        #expect((try? kept[0].call(#"{"op":"neg","a":2}"#)) == nil, "the connection idle longest kept its place")
        #expect(try kept[1].call(#"{"op":"neg","a":3}"#) == #"{"result":-3}"#)
    }

    @Test func idleAndTricklingClientsAreCutOff() throws {
        let directory = try TemporaryDirectory()
        let server = try ServerProcess(["--no-socket", "--http", "127.0.0.1:0", "--idle-timeout", "0.5", "--request-timeout", "1"], socketPath: nil, in: directory)
        let port = try server.httpPort()
        let idle = try HTTPTestClient(port: port)
        #expect(try idle.request("GET", "/health").status == 200)
        usleep(1_500_000)
        #expect(idle.isClosedByPeer())

        // One byte every 0.2 s: never idle, but the request takes too long.
        let trickler = try HTTPTestClient(port: port)
        let request = Array("POST /add HTTP/1.1\r\nHost: t\r\nContent-Length: 20\r\n\r\n")
        var closed = false
        for character in request {
            if (try? trickler.send(String(character))) == nil { closed = true; break }
            usleep(200_000)
        }
        #expect(closed || trickler.isClosedByPeer())
        // Meanwhile the server serves others.
        #expect(try HTTPTestClient(port: port).request("GET", "/health").status == 200)
    }

    @Test func runningOutOfFileDescriptorsRefusesButStaysUp() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s.sock"
        let server = try ServerProcess(["--socket", path, "--no-http"], socketPath: path, in: directory, fileLimit: 40)
        var clients: [LineClient] = []
        for _ in 0..<60 {
            if let client = try? LineClient(socketPath: path) { clients.append(client) }
        }
        // Some were accepted, the rest wait or fail; none of this stops the server.
        clients.removeAll()
        var served = false
        for _ in 0..<200 where !served {
            usleep(20_000)
            served = (try? LineClient(socketPath: path, timeoutSeconds: 1).call(#"{"op":"neg","a":5}"#)) == #"{"result":-5}"#
        }
        #expect(served)
        #expect(server.process.isRunning)
    }

    @Test func theDefaultSocketLivesInAPrivateDirectory() throws {
        let directory = try TemporaryDirectory()
        let runtime = directory.path + "/runtime"
        // An XDG_RUNTIME_DIR that does not exist: the fallback directory in TMPDIR is
        // used (this test's own, so a user's server on the real default path is not met).
        let run = try ProcessRunner.run("/usr/bin/env", ["XDG_RUNTIME_DIR=\(runtime)", "TMPDIR=\(directory.path)/",
                                                         ProcessRunner.product("complex-server"), "--no-http", "--exit-when-idle", "1"], timeout: 10)
        let fallback = directory.path + "/complex-repl-\(getuid())"
        #expect(run.stderr.contains("socket=\(fallback)/complex-repl.sock"), "\(run.stderr)")
        var info = stat()
        #expect(stat(fallback, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700)
        #expect(info.st_uid == getuid())
    }

    /// A socket client that writes requests and never reads its replies once grew the
    /// server from 20 MB to 743 MB (21 MB of `{"op":"x"}` lines, each answered with a
    /// 150-byte error). Backpressure stops reading while the replies are unsent.
    @Test func aClientThatNeverReadsCannotGrowTheServer() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s.sock"
        let server = try ServerProcess(["--socket", path, "--no-http"], socketPath: path, in: directory)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        #expect(SocketLocation.withAddress(of: path) { connect(fd, $0, $1) } == 0)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        let chunk = Array(String(repeating: #"{"op":"x"}"# + "\n", count: 6000).utf8)
        var sent = 0, lastProgress = Date(), peak = 0.0
        // Write up to 21 MB; stop when the server has not taken a byte for 2 s.
        while sent < 21 << 20 && Date().timeIntervalSince(lastProgress) < 2 {
            let n = chunk.withUnsafeBytes { send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                sent += n
                lastProgress = Date()
            } else {
                usleep(10_000)
                peak = max(peak, server.residentMegabytes)
            }
        }
        peak = max(peak, server.residentMegabytes)
        #expect(peak > 0 && peak < 64, "server RSS reached \(peak) MB after \(sent) bytes of requests")
        #expect(sent < 21 << 20, "the server read all \(sent) bytes without its replies being read")
        // Everyone else is still served.
        #expect(try LineClient(socketPath: path).call(#"{"op":"neg","a":2}"#) == #"{"result":-2}"#)
        close(fd)
        usleep(300_000)
        #expect(server.residentMegabytes < 64)
        #expect(server.process.isRunning)
    }

    /// Slowloris: more connections than the limit, each trickling a request head a
    /// byte at a time and reconnecting when cut, once kept every legitimate client out
    /// (0 of 19 served in 40 s). Now a newcomer takes the place of the oldest
    /// connection never answered, and is served within a second, every time. The limit
    /// is 16 with 24 attackers, so eight always wait to take a place; each reconnects
    /// 50 ms after it is cut, which keeps the attack from starving the tests beside it.
    @Test func slowlorisCannotKeepALegitimateClientOut() throws {
        let directory = try TemporaryDirectory()
        let server = try ServerProcess(["--no-socket", "--http", "127.0.0.1:0", "--max-connections", "16"], socketPath: nil, in: directory)
        let port = try server.httpPort()
        let attack = #"""
        import socket, sys, threading, time
        port, until = int(sys.argv[1]), time.time() + float(sys.argv[2])
        def trickle():
            while time.time() < until:
                try:
                    s = socket.create_connection(("127.0.0.1", port), timeout=2)
                    s.sendall(b"POST /add HTTP/1.1\r\nHost: x\r\n")
                    while time.time() < until:
                        time.sleep(0.5); s.sendall(b"X")
                except OSError:
                    pass
                time.sleep(0.05)
        threads = [threading.Thread(target=trickle, daemon=True) for _ in range(24)]
        for t in threads: t.start()
        print("attacking", flush=True)
        for t in threads: t.join()
        """#
        let attacker = try ScriptedPeer(script: attack, arguments: [String(port), "14"])
        defer { attacker.stop() }
        usleep(2_000_000)  // the attack fills the server
        var served = 0
        for attempt in 0..<20 {
            let start = Date()
            let response = try? HTTPTestClient(port: port).request("POST", "/neg", body: #"{"a":\#(attempt)}"#)
            let seconds = Date().timeIntervalSince(start)
            if response?.status == 200 && seconds < 1 { served += 1 }
            #expect(response?.status == 200 && seconds < 1,
                    "attempt \(attempt): \(response?.status ?? 0) after \(seconds) s; server running: \(server.process.isRunning); log: \(server.log.suffix(600))")
            usleep(300_000)
        }
        #expect(served == 20)
        #expect(server.process.isRunning)
    }
}
