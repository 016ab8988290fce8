import Foundation
import Testing
import TestSupport

/// complex-server's HTTP listener on an ephemeral loopback port.
@Suite struct HTTPServerTests {
    func withServer(_ extra: [String] = [], _ body: (ServerProcess, Int) throws -> Void) throws {
        let directory = try TemporaryDirectory()
        let server = try ServerProcess(["--no-socket", "--http", "127.0.0.1:0"] + extra, socketPath: nil, in: directory)
        try body(server, try server.httpPort())
    }

    @Test func theDemosShapesAndEveryRoute() throws {
        try withServer { _, port in
            let client = try HTTPTestClient(port: port)
            let add = try client.request("POST", "/add", body: #"{"a":[1,3],"b":[0,-5]}"#)
            #expect(add.status == 200 && add.body == "{\"result\":[1,-2]}\n")
            #expect(add.headers["content-type"] == "application/json")
            #expect(try client.request("POST", "/sqrt", body: #"{"a":-4}"#).body == "{\"result\":[0,2]}\n")
            #expect(try client.request("POST", "/neg", body: #"{"a":["inf","nan"]}"#).body == "{\"result\":[\"-inf\",\"nan\"]}\n")
            #expect(try client.request("GET", "/health").body == "{\"status\":\"ok\"}\n")
            let ops = try client.request("GET", "/ops")
            let list = try JSONSerialization.jsonObject(with: Data(ops.body.utf8)) as? [String: [[String: Any]]]
            #expect(list?["operations"]?.count == 29)
            #expect(list?["operations"]?.first?["name"] as? String == "add")
            let log = list?["operations"]?.first { $0["name"] as? String == "log" }
            #expect(log?["arity"] as? Int == 2 && log?["min_arity"] as? Int == 1)
            #expect(try client.request("POST", "/log", body: #"{"a":8,"b":2}"#).body == "{\"result\":3}\n")
            #expect(try client.request("POST", "/complex", body: #"{"a":1,"b":"nan"}"#).body == "{\"result\":[1,\"nan\"]}\n")
            #expect(try client.request("POST", "/rect", body: #"{"a":[1,0],"b":2}"#).status == 400)
        }
    }

    @Test(arguments: [
        ("POST", "/add", #"{"a":[1,3]"#, 400, "bad_json"),
        ("POST", "/add", #"{"a":1}"#, 400, "bad_arguments"),
        ("POST", "/add", #"{"a":"x","b":1}"#, 400, "bad_arguments"),
        ("POST", "/frobnicate", #"{"a":1}"#, 404, "not_found"),
        ("GET", "/add", nil, 405, "method_not_allowed"),
        ("POST", "/health", "{}", 405, "method_not_allowed"),
        ("POST", "/div", #"{"a":[1,0],"b":[0,0]}"#, 422, "division_by_zero"),
        ("POST", "/log", #"{"a":0}"#, 422, "domain_error"),
        ("POST", "/exp", #"{"a":1000}"#, 422, "overflow"),
    ] as [(String, String, String?, Int, String)])
    func errorStatuses(_ method: String, _ path: String, _ body: String?, _ status: Int, _ code: String) throws {
        try withServer { _, port in
            let client = try HTTPTestClient(port: port)
            let response = try client.request(method, path, body: body)
            #expect(response.status == status, "\(method) \(path) → \(response)")
            #expect(response.body.hasPrefix(#"{"error":{"code":"\#(code)""#), "\(response.body)")
            if status == 405 { #expect(response.headers["allow"] != nil) }
            // Errors do not end a keep-alive connection.
            #expect(try client.request("POST", "/neg", body: #"{"a":1}"#).status == 200)
        }
    }

    @Test func anOversizeBodyGets413() throws {
        try withServer { _, port in
            let client = try HTTPTestClient(port: port)
            let response = try client.request("POST", "/add", body: String(repeating: " ", count: 70_000) + "{}")
            #expect(response.status == 413)
            #expect(response.body.contains("body_too_large"))
        }
    }

    @Test func keepAliveSplitAndChunkedBodies() throws {
        try withServer { _, port in
            let client = try HTTPTestClient(port: port)
            for i in 0..<200 {
                let response = try client.request("POST", "/mul", body: #"{"a":[\#(i),1],"b":[2,0]}"#)
                #expect(response.body == "{\"result\":[\(2 * i),2]}\n")
            }
            // A body split across several TCP writes.
            let body = #"{"a":[1,2],"b":[3,4]}"#
            try client.send("POST /add HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.utf8.count)\r\n\r\n")
            usleep(20_000)
            try client.send(String(body.prefix(7)))
            usleep(20_000)
            try client.send(String(body.dropFirst(7)))
            #expect(try client.readResponse().body == "{\"result\":[4,6]}\n")
            // A chunked body.
            try client.send("POST /sub HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n10\r\n[5,5],\"b\":[1,1]}\r\n0\r\n\r\n")
            #expect(try client.readResponse().body == "{\"result\":[4,4]}\n")
        }
    }

    @Test func malformedHTTPGets400AndAClose() throws {
        try withServer { _, port in
            let client = try HTTPTestClient(port: port)
            try client.send("THIS IS NOT HTTP\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 400)
            #expect(client.isClosedByPeer())
        }
    }

    @Test func fiftyConcurrentClientsGetOnlyTheirOwnAnswers() throws {
        try withServer { _, port in
            let wrong = Counter()
            let failures = Failures()
            DispatchQueue.concurrentPerform(iterations: 50) { client in
                let connection: HTTPTestClient
                do { connection = try HTTPTestClient(port: port) } catch { failures.add("\(error)"); wrong.add(100); return }
                for i in 0..<100 {
                    let response = try? connection.request("POST", "/add", body: #"{"a":[\#(client),\#(i)],"b":[0.5,0]}"#)
                    if response?.body != "{\"result\":[\(client).5,\(i)]}\n" { wrong.add(1) }
                }
            }
            #expect(wrong.value == 0, "\(failures.first ?? "")")
        }
    }

    @Test func theDemosPythonClientAndCurl() throws {
        try withServer { _, port in
            let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("examples/http_client.py").path
            let python = try ProcessRunner.run("/usr/bin/env", ["python3", example, "http://127.0.0.1:\(port)"])
            #expect(python.status == 0, "\(python.stderr)")
            #expect(python.stdout == "add (1-2j)\nmul (10-5j)\nsqrt 2j\nerror 422 division_by_zero: division by zero\n")
            let curl = try ProcessRunner.run("/usr/bin/env", ["curl", "-s", "-X", "POST", "http://127.0.0.1:\(port)/add", "-d", #"{"a":[1,3],"b":[0,-5]}"#])
            #expect(curl.stdout == "{\"result\":[1,-2]}\n")
        }
    }

    @Test func aNonLoopbackAddressNeedsAToken() throws {
        let refused = try ProcessRunner.run(ProcessRunner.product("complex-server"), ["--no-socket", "--http", "0.0.0.0:0"], timeout: 10)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("give a token (--token-file PATH, or COMPLEX_SERVER_TOKEN)"))
        try withServer(["--token", "s3cret"]) { _, port in
            let client = try HTTPTestClient(port: port)
            #expect(try client.request("POST", "/neg", body: #"{"a":1}"#).status == 401)
            #expect(try client.request("POST", "/neg", body: #"{"a":1}"#, headers: ["Authorization": "Bearer wrong!"]).status == 401)
            #expect(try client.request("POST", "/neg", body: #"{"a":1}"#, headers: ["Authorization": "Bearer s3cret"]).status == 200)
        }
    }

    /// The API's OpenAPI document is served, and docs/openapi.yaml is that same text
    /// (scripts/api-conformance checks the server against it with schemathesis).
    @Test func theOpenAPIDocumentIsServedAndMatchesTheDocs() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml")
        try withServer { _, port in
            let served = try HTTPTestClient(port: port).request("GET", "/openapi.yaml")
            #expect(served.status == 200 && served.headers["content-type"] == "application/yaml")
            let written = try String(contentsOf: docs, encoding: .utf8)
            #expect(served.body == written, "docs/openapi.yaml is stale: curl -s http://127.0.0.1:PORT/openapi.yaml > docs/openapi.yaml")
            for operation in ["add", "log", "rect", "complex", "atanh"] {
                #expect(served.body.contains("\n  /\(operation):\n    post:"), "\(operation)")
            }
        }
    }

    /// GET /metrics in Prometheus's text format, read by Python's own parser, counts
    /// what was sent: requests by operation and transport, errors by code, durations,
    /// bytes, connections; and it follows the token rule of every other route.
    @Test func metricsCountWhatWasSent() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s.sock"
        let server = try ServerProcess(["--socket", path, "--http", "127.0.0.1:0"], socketPath: path, in: directory)
        let port = try server.httpPort()
        let line = try LineClient(socketPath: path)
        for _ in 0..<7 { _ = try line.call(#"{"op":"add","a":1,"b":2}"#) }
        _ = try line.call(#"{"op":"add","a":"#)
        let http = try HTTPTestClient(port: port)
        for _ in 0..<5 { _ = try http.request("POST", "/neg", body: #"{"a":1}"#) }
        for _ in 0..<3 { _ = try http.request("POST", "/div", body: #"{"a":1,"b":0}"#) }
        let text = directory.path + "/metrics.txt"
        let parse = #"""
        import json, sys
        from prometheus_client.parser import text_string_to_metric_families
        samples = {}
        for family in text_string_to_metric_families(open(sys.argv[1]).read()):
            for s in family.samples:
                samples[s.name + json.dumps(s.labels, sort_keys=True)] = s.value
        print(json.dumps(samples))
        """#
        /// The samples of one GET /metrics, as Python's parser reads them.
        func scrape() throws -> [String: Double] {
            let metrics = try http.request("GET", "/metrics")
            #expect(metrics.status == 200 && metrics.headers["content-type"] == "text/plain; version=0.0.4")
            try metrics.body.write(toFile: text, atomically: true, encoding: .utf8)
            let parsed = try ProcessRunner.run("/usr/bin/env", ["python3", "-c", parse, text])
            #expect(parsed.status == 0, "\(parsed.stderr)")
            return try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as? [String: Double] ?? [:]
        }
        // Open connections is a gauge its connections' threads keep: the test's readiness
        // probe is counted until its thread has seen it close, which under the suite's
        // load can come after the first scrape. The counters are final at once.
        var samples = try scrape()
        let deadline = Date().addingTimeInterval(5)
        while samples["complex_server_open_connections{}"] != 2 && Date() < deadline {
            usleep(20_000)
            samples = try scrape()
        }
        func value(_ name: String, _ labels: String) -> Double? { samples[name + labels] }
        #expect(value("complex_server_requests_total", #"{"operation": "add", "transport": "socket"}"#) == 7)
        #expect(value("complex_server_requests_total", #"{"operation": "neg", "transport": "http"}"#) == 5)
        #expect(value("complex_server_requests_total", #"{"operation": "div", "transport": "http"}"#) == 3)
        #expect(value("complex_server_errors_total", #"{"code": "division_by_zero", "transport": "http"}"#) == 3)
        #expect(value("complex_server_errors_total", #"{"code": "bad_json", "transport": "socket"}"#) == 1)
        #expect(value("complex_server_request_duration_seconds_count", #"{"transport": "http"}"#) == 8)
        #expect(value("complex_server_request_duration_seconds_count", #"{"transport": "socket"}"#) == 8)
        // The histogram's buckets: cumulative, ending with every request, and a sum.
        for transport in ["http", "socket"] {
            let bounds = ["0.00001", "0.000025", "0.00005", "0.0001", "0.00025", "0.0005", "0.001", "0.005", "0.025", "0.1", "1.0", "+Inf"]
            let counts = bounds.map { value("complex_server_request_duration_seconds_bucket", #"{"le": "\#($0)", "transport": "\#(transport)"}"#) }
            #expect(counts.allSatisfy { $0 != nil } && counts.last == 8, "\(transport): \(counts)")
            #expect(zip(counts, counts.dropFirst()).allSatisfy { ($0 ?? 0) <= ($1 ?? 0) }, "\(transport): \(counts)")
            #expect((value("complex_server_request_duration_seconds_sum", #"{"transport": "\#(transport)"}"#) ?? 0) > 0)
        }
        #expect((value("complex_server_received_bytes_total", #"{"transport": "socket"}"#) ?? 0) > 7 * 20)
        #expect((value("complex_server_sent_bytes_total", #"{"transport": "http"}"#) ?? 0) > 8 * 60)
        #expect(value("complex_server_open_connections", "{}") == 2)

        // The same token rule as every other route.
        try withServer(["--token", "s3cret"]) { _, tokenPort in
            let client = try HTTPTestClient(port: tokenPort)
            #expect(try client.request("GET", "/metrics").status == 401)
            #expect(try client.request("GET", "/metrics", headers: ["Authorization": "Bearer s3cret"]).status == 200)
        }
    }

    /// Whether a private mount namespace can be made here (root, or user namespaces).
    static let canUnshareMounts = (try? ProcessRunner.run("/usr/bin/env", ["unshare", "--mount", "true"], timeout: 10).status) == 0

    /// Loopback is decided by what a name resolves to, not by its spelling: once,
    /// `--http 127.evil.test:PORT` bound 0.0.0.0 with no token because the text began
    /// with `127.`. The name is given to 0.0.0.0 by an /etc/hosts of the server's own,
    /// in a private mount namespace.
    @Test(.enabled(if: canUnshareMounts, "unshare --mount is not permitted here"))
    func aNameIsJudgedByTheAddressesItResolvesTo() throws {
        let directory = try TemporaryDirectory()
        let hosts = directory.path + "/hosts"
        try "127.0.0.1 localhost\n0.0.0.0 127.evil.test\n127.0.0.1 friendly.test\n".write(toFile: hosts, atomically: true, encoding: .utf8)
        let server = ProcessRunner.product("complex-server")
        func run(_ host: String) throws -> ProcessRunner.Result {
            try ProcessRunner.run("/usr/bin/env", ["unshare", "--mount", "sh", "-c",
                "mount --bind \(hosts) /etc/hosts && exec \(server) --no-socket --http \(host):0 --exit-when-idle 1"], timeout: 20)
        }
        let evil = try run("127.evil.test")
        #expect(evil.status == 64 && evil.stderr.contains("--http 127.evil.test:0 is reachable from other machines (it resolves to 0.0.0.0)"), "\(evil.stderr)")
        let friendly = try run("friendly.test")
        #expect(friendly.stderr.contains("http=http://127.0.0.1:"), "\(friendly.stderr)")
        // A name that does not resolve is an error that says so, not a bind to anything.
        let unknown = try ProcessRunner.run(server, ["--no-socket", "--http", "no-such-host.invalid:0"], timeout: 20)
        #expect(unknown.status == 64 && unknown.stderr.contains("cannot resolve no-such-host.invalid"), "\(unknown.stderr)")
    }

    /// The token from a file, out of `ps`'s sight: its first line, blanks trimmed.
    @Test func theTokenCanComeFromAFile() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/token"
        try "  s3cret-from-file \nsecond line ignored\n".write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o600)
        try withServer(["--token-file", file]) { server, port in
            let client = try HTTPTestClient(port: port)
            #expect(try client.request("POST", "/neg", body: #"{"a":1}"#).status == 401)
            #expect(try client.request("POST", "/neg", body: #"{"a":1}"#, headers: ["Authorization": "Bearer s3cret-from-file"]).status == 200)
            #expect(!server.log.contains("can be read by other users"))
        }
        // A file others can read still works, with a warning.
        chmod(file, 0o644)
        try withServer(["--token-file", file]) { server, port in
            let client = try HTTPTestClient(port: port)
            #expect(try client.request("POST", "/neg", body: #"{"a":1}"#, headers: ["Authorization": "Bearer s3cret-from-file"]).status == 200)
            #expect(server.log.contains("\(file) can be read by other users; chmod 600 it"))
        }
        // Missing, empty, or given twice: a clear usage error, no server.
        let empty = directory.path + "/empty"
        try "\n".write(toFile: empty, atomically: true, encoding: .utf8)
        let server = ProcessRunner.product("complex-server")
        for (arguments, message) in [
            (["--token-file", directory.path + "/missing"], "--token-file \(directory.path)/missing: No such file or directory"),
            (["--token-file", empty], "the file holds no token"),
            (["--token-file", file, "--token", "x"], "--token and --token-file both give the token"),
        ] {
            let run = try ProcessRunner.run(server, ["--no-socket", "--http", "127.0.0.1:0"] + arguments, timeout: 10)
            #expect(run.status == 64 && run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
    }
}

/// The first of several failures from concurrent clients, for the report.
final class Failures: @unchecked Sendable {
    let lock = NSLock()
    var messages: [String] = []
    func add(_ message: String) { lock.lock(); messages.append(message); lock.unlock() }
    var first: String? { lock.lock(); defer { lock.unlock() }; return messages.first }
}
