import ComplexLanguage
import ComplexWire
import Foundation
import Testing
import TestSupport

/// complex-server on a temporary socket, spoken to as a client would.
@Suite struct SocketServerTests {
    func withServer(_ body: (ServerProcess, TemporaryDirectory) throws -> Void) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s.sock"
        let server = try ServerProcess(["--socket", path, "--no-http"], socketPath: path, in: directory)
        try body(server, directory)
    }

    func expected(_ op: MathOperation, _ a: Value, _ b: Value?) -> String {
        var out: [UInt8] = []
        var writer = JSONWriter()
        let response: WireResponse
        do throws(OperationError) {
            response = .result(try op.perform(a, b))
        } catch {
            response = WireResponse(.operation(error))
        }
        response.encode(to: &out, writer: &writer)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func everyOperationMatchesTheLanguage() throws {
        try withServer { server, _ in
            let client = try LineClient(socketPath: server.socketPath!)
            for op in MathOperation.allCases {
                for count in op.arity {
                for (a, b) in [("[1.5,-2]", "[0.25,3]"), ("2", "-0.5"), ("[0,0]", "[0,0]")] {
                    let request = count == 2 ? #"{"op":"\#(op.rawValue)","a":\#(a),"b":\#(b)}"# : #"{"op":"\#(op.rawValue)","a":\#(a)}"#
                    let decode: (String) -> Value = { text in
                        if text.hasPrefix("[") {
                            let parts = text.dropFirst().dropLast().split(separator: ",").map { Double($0)! }
                            return .complex(ComplexNumber(parts[0], parts[1]))
                        }
                        return .real(Double(text)!)
                    }
                    let reply = try client.call(request)
                    #expect(reply == expected(op, decode(a), count == 2 ? decode(b) : nil), "\(request)")
                }
                }
            }
        }
    }

    @Test func theDemosPayloadWithAndWithoutNewline() throws {
        try withServer { server, _ in
            let client = try LineClient(socketPath: server.socketPath!)
            #expect(try client.call(#"{"command":"add","a":[1,3],"b":[0,-5]}"#) == #"{"result":[1,-2]}"#)
            let demo = try LineClient(socketPath: server.socketPath!)
            try demo.send(#"{"command":"add","a":[1,3],"b":[0,-5]}"#)
            demo.shutdownWrite()
            #expect(try demo.readLine() == #"{"result":[1,-2]}"#)
            #expect(try demo.readLine() == nil)  // answered, then closed
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        try withServer { server, _ in
            let client = try LineClient(socketPath: server.socketPath!)
            var batch = ""
            for i in 0..<1000 { batch += #"{"op":"mul","a":[\#(i),1],"b":[2,0]}"# + "\n" }
            try client.send(batch)
            for i in 0..<1000 {
                #expect(try client.readLine() == #"{"result":[\#(2 * i),2]}"#)
            }
        }
    }

    @Test(arguments: [
        (#"not json"#, "bad_json"),
        (#"{"op":"add","a":[1,2]"#, "bad_json"),
        (#"[1,2]"#, "bad_json"),
        (#"{"op":"frobnicate","a":1}"#, "unknown_operation"),
        (#"{"a":1,"b":2}"#, "bad_arguments"),
        (#"{"op":"add","a":1}"#, "bad_arguments"),
        (#"{"op":"sqrt","a":1,"b":2}"#, "bad_arguments"),
        (#"{"op":"add","a":"one","b":2}"#, "bad_arguments"),
        (#"{"op":"add","a":[1],"b":2}"#, "bad_arguments"),
        (#"{"op":"div","a":[1,0],"b":[0,0]}"#, "division_by_zero"),
        (#"{"op":"pow","a":0,"b":-1}"#, "division_by_zero"),
        (#"{"op":"log","a":0}"#, "domain_error"),
        (#"{"op":"exp","a":1000}"#, "overflow"),
    ])
    func everyErrorCode(_ request: String, _ code: String) throws {
        try withServer { server, _ in
            let client = try LineClient(socketPath: server.socketPath!)
            let reply = try client.call(request)
            #expect(reply.hasPrefix(#"{"error":{"code":"\#(code)","message":"#), "\(request) → \(reply)")
            // The connection stays usable after an error.
            #expect(try client.call(#"{"op":"neg","a":1}"#) == #"{"result":-1}"#)
        }
    }

    @Test func stringsAreCheckedAsUTF8() throws {
        try withServer { server, _ in
            let client = try LineClient(socketPath: server.socketPath!)
            // Valid non-ASCII in a key and in a value, raw and escaped: unknown fields, skipped.
            #expect(try client.call(#"{"op":"neg","a":2,"clé":"naïve ∞"}"#) == #"{"result":-2}"#)
            #expect(try client.call(#"{"op":"neg","a":2,"esc\u00e9":"\ud83d\ude00"}"#) == #"{"result":-2}"#)
            // A lone continuation byte in a key; a bad two-byte sequence after an escape.
            let bad: [([UInt8], Int)] = [
                (Array(#"{"op":"neg","a":2,"k"#.utf8) + [0x80] + Array(#"":1}"#.utf8), 19),
                (Array(#"{"op":"neg","a":2,"k":"\n"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8), 25),
            ]
            for (request, offset) in bad {
                try client.send(bytes: request + [UInt8(ascii: "\n")])
                #expect(try client.readLine() == #"{"error":{"code":"bad_json","message":"bad JSON: invalid UTF-8 in a string at byte \#(offset)"}}"#)
            }
            #expect(try client.call(#"{"op":"neg","a":1}"#) == #"{"result":-1}"#)
        }
    }

    @Test func nonFiniteNumbersRoundTrip() throws {
        try withServer { server, _ in
            let client = try LineClient(socketPath: server.socketPath!)
            #expect(try client.call(#"{"op":"mul","a":1e308,"b":10}"#) == #"{"result":"inf"}"#)
            #expect(try client.call(#"{"op":"mul","a":["inf",0],"b":2}"#) == #"{"result":["inf","nan"]}"#)
            #expect(try client.call(#"{"op":"neg","a":["-inf","nan"]}"#) == #"{"result":["inf","nan"]}"#)
            #expect(try client.call(#"{"op":"add","a":[Infinity,NaN],"b":-Infinity}"#) == #"{"result":["nan","nan"]}"#)
            #expect(try client.call(#"{"op":"neg","a":-0.0}"#) == #"{"result":0}"#)
            #expect(try client.call(#"{"op":"neg","a":[0,5e-324]}"#) == #"{"result":[-0.0,-5e-324]}"#)
        }
    }

    /// Every number the server writes reads back as the same double in Python's json
    /// module (and so in the demo's `float(body['result'][0])`), signed zeros included:
    /// `-0` would be read as the integer 0.
    @Test func everyResultRoundTripsThroughPythonsJSON() throws {
        try withServer { server, _ in
            let script = #"""
            import json, math, random, socket, struct, sys
            bits = lambda x: struct.pack("<d", x)
            rng = random.Random(14)
            values = [0.0, -0.0, 1.0, -1.0, 5e-324, -5e-324, 2.0**53, 2.0**53 + 2, 1e16, 1e-7, 0.1, 1.7976931348623157e308,
                      math.inf, -math.inf] + [struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0] for _ in range(3000)]
            values = [v for v in values if not math.isnan(v)]
            s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); stream = s.makefile("rwb")
            checked = 0
            for x, y in zip(values, reversed(values)):
                for request, expected in [({"op": "complex", "a": x, "b": y}, (x, y)), ({"op": "re", "a": [x, y]}, (x,)),
                                          ({"op": "neg", "a": x}, (-x,))]:
                    stream.write(json.dumps(request).encode() + b"\n"); stream.flush()
                    result = json.loads(stream.readline())["result"]
                    got = tuple(float(v) for v in (result if isinstance(result, list) else [result]))
                    if [bits(v) for v in got] != [bits(v) for v in expected]:
                        sys.exit(f"{request}: got {result!r}")
                    checked += 1
            print(checked)
            """#
            let run = try ProcessRunner.run("/usr/bin/env", ["python3", "-c", script, server.socketPath!], timeout: 120)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(Int(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 > 9000)
        }
    }

    @Test func anOversizeLineIsRefusedAndTheConnectionClosed() throws {
        try withServer { server, _ in
            let client = try LineClient(socketPath: server.socketPath!)
            try? client.send(String(repeating: "x", count: 200_000) + "\n")
            let reply = try client.readLine()
            #expect(reply?.contains(#""code":"line_too_long""#) == true)
            #expect(try client.readLine() == nil)
            let other = try LineClient(socketPath: server.socketPath!)
            #expect(try other.call(#"{"op":"neg","a":2}"#) == #"{"result":-2}"#)
        }
    }

    @Test func aClientThatVanishesMidRequestHarmsNoOne() throws {
        try withServer { server, _ in
            do {
                let rude = try LineClient(socketPath: server.socketPath!)
                try rude.send(#"{"op":"add","a":[1,"#)
            }  // closed here, mid-request
            let client = try LineClient(socketPath: server.socketPath!)
            #expect(try client.call(#"{"op":"add","a":1,"b":2}"#) == #"{"result":3}"#)
        }
    }

    @Test func fiftyConcurrentClientsGetOnlyTheirOwnAnswers() throws {
        try withServer { server, _ in
            let wrong = Counter()
            let path = server.socketPath!
            DispatchQueue.concurrentPerform(iterations: 50) { client in
                guard let connection = try? LineClient(socketPath: path) else { wrong.add(1000); return }
                for i in 0..<200 {
                    let reply = try? connection.call(#"{"op":"add","a":[\#(client),\#(i)],"b":[0.5,0]}"#)
                    if reply != #"{"result":[\#(client).5,\#(i)]}"# { wrong.add(1) }
                }
            }
            #expect(wrong.value == 0)
        }
    }

    @Test func socketIsPrivateAndRemovedOnSIGTERM() throws {
        try withServer { server, _ in
            let path = server.socketPath!
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(server.stop(signal: SIGTERM, timeout: 2) == 0)
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    @Test func sigtermAnswersWhatIsInFlightThenExits() throws {
        try withServer { server, _ in
            let client = try LineClient(socketPath: server.socketPath!)
            // Once the server has accepted the connection (a connection still in the
            // listen backlog when the listener closes is reset by the kernel)...
            #expect(try client.call(#"{"op":"neg","a":1}"#) == #"{"result":-1}"#)
            var batch = ""
            for i in 0..<1000 { batch += #"{"op":"neg","a":\#(i)}"# + "\n" }
            try client.send(batch)
            kill(server.process.processIdentifier, SIGTERM)
            for i in 0..<1000 {
                let negated = i == 0 ? "-0.0" : "-\(i)"
                #expect(try client.readLine() == #"{"result":\#(negated)}"#)
            }
            #expect(server.stop(signal: SIGTERM, timeout: 2) == 0)
            #expect(!FileManager.default.fileExists(atPath: server.socketPath!))
        }
    }

    @Test func anotherUserCannotConnect() throws {
        try withServer { server, directory in
            guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") else {
                // Without a second uid, the modes are what keeps others out.
                let mode = try FileManager.default.attributesOfItem(atPath: server.socketPath!)[.posixPermissions] as? Int
                #expect(mode == 0o600)
                return
            }
            // Let "nobody" reach the directory, so only the socket's own mode stops it.
            chmod(directory.path, 0o755)
            let probe = "import socket,sys\ns=socket.socket(socket.AF_UNIX)\ntry:\n s.connect(sys.argv[1]); print('connected')\nexcept PermissionError: print('refused')"
            let run = try ProcessRunner.run("/usr/sbin/runuser", ["-u", "nobody", "--", "/usr/bin/python3", "-c", probe, server.socketPath!])
            #expect(run.stdout == "refused\n", "\(run.stdout)\(run.stderr)")
        }
    }

    @Test func aLiveServersPathIsRefusedAndAStaleOneReplaced() throws {
        try withServer { server, directory in
            let second = try ProcessRunner.run(ProcessRunner.product("complex-server"), ["--socket", server.socketPath!, "--no-http"], timeout: 10)
            #expect(second.status == 1)
            #expect(second.stderr.contains("another server is already listening on \(server.socketPath!)"))
            // The first server still answers.
            #expect(try LineClient(socketPath: server.socketPath!).call(#"{"op":"neg","a":1}"#) == #"{"result":-1}"#)

            // A server killed with SIGKILL leaves its socket file behind: stale.
            #expect(server.stop(signal: SIGKILL) != nil)
            #expect(FileManager.default.fileExists(atPath: server.socketPath!))
            let third = try ServerProcess(["--socket", server.socketPath!, "--no-http"], socketPath: server.socketPath!, in: directory)
            #expect(try LineClient(socketPath: server.socketPath!).call(#"{"op":"neg","a":1}"#) == #"{"result":-1}"#)
            third.stop()

            let file = directory.path + "/not-a-socket"
            try "x".write(toFile: file, atomically: true, encoding: .utf8)
            let refused = try ProcessRunner.run(ProcessRunner.product("complex-server"), ["--socket", file, "--no-http"], timeout: 10)
            #expect(refused.status == 1 && refused.stderr.contains("exists and is not a socket"))
        }
    }

    /// The socket binds first; when HTTP then cannot, the server exits with the reason
    /// and takes its socket file with it, rather than leaving a stale one behind.
    @Test func aPortInUseStopsTheServerAndLeavesNoSocketFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s.sock"
        let taken = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(taken) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(taken, $0, length) == 0 && listen(taken, 1) == 0 && getsockname(taken, $0, &length) == 0
            }
        }
        try #require(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let run = try ProcessRunner.run(ProcessRunner.product("complex-server"), ["--socket", path, "--http", "127.0.0.1:\(port)"], timeout: 10)
        #expect(run.status == 1)
        #expect(run.stderr.contains("cannot listen on http://127.0.0.1:\(port): Address already in use"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func thePythonExampleClientTalksToTheServer() throws {
        try withServer { server, _ in
            let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("examples/ipc_client.py").path
            let run = try ProcessRunner.run("/usr/bin/env", ["python3", example, server.socketPath!])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout == """
                add (1-2j)
                mul (10-5j)
                div (-0.2+0.4j)
                sqrt 2j
                overflow inf
                error division_by_zero

                """)
        }
    }
}

/// A thread-safe tally.
final class Counter: @unchecked Sendable {
    let lock = NSLock()
    var count = 0
    func add(_ n: Int) { lock.lock(); count += n; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
