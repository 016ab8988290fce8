import Foundation
import Testing
import TestSupport

/// What RFC 9110/9112 ask of a server that an attack from outside found missing:
/// declined upgrades, HEAD, absolute-form targets, `Expect: 100-continue`, and the
/// bearer token compared in full.
@Suite struct HTTPConformanceTests {
    func withServer(_ extra: [String] = [], _ body: (Int) throws -> Void) throws {
        let directory = try TemporaryDirectory()
        let server = try ServerProcess(["--no-socket", "--http", "127.0.0.1:0"] + extra, socketPath: nil, in: directory)
        try body(try server.httpPort())
    }

    /// `curl --http2` offers h2c with `Upgrade:`; the server's first parser (SwiftNIO's)
    /// stopped there and the connection went silent until its idle timeout. Declined,
    /// it serves on, and so after a CONNECT.
    @Test func upgradeOffersAndConnectAreDeclinedAndTheConnectionServesOn() throws {
        try withServer { port in
            let client = try HTTPTestClient(port: port)
            try client.send("POST /neg HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\nContent-Length: 7\r\n\r\n{\"a\":1}"
                + "POST /neg HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\n{\"a\":2}"
                + "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"
                + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            let first = try client.readResponse(), second = try client.readResponse()
            #expect(first.status == 200 && first.body == "{\"result\":-1}\n")
            #expect(second.status == 200 && second.body == "{\"result\":-2}\n")
            let connect = try client.readResponse()
            #expect(connect.status == 405 && connect.headers["allow"] == "GET, HEAD, POST")
            #expect(try client.readResponse().body == "{\"status\":\"ok\"}\n")
            // ... and later requests, in packets of their own, too.
            #expect(try client.request("POST", "/neg", body: #"{"a":3}"#).body == "{\"result\":-3}\n")
            // curl itself: --http2 offers h2c on each request, and two URLs share one connection.
            let curl = try ProcessRunner.run("/usr/bin/env", ["curl", "--http2", "-s", "-v", "-m", "5", "-X", "POST", "-d", #"{"a":1}"#,
                                                              "http://127.0.0.1:\(port)/neg", "http://127.0.0.1:\(port)/neg"])
            #expect(curl.stdout == "{\"result\":-1}\n{\"result\":-1}\n", "\(curl.stderr)")
            #expect(curl.stderr.contains("Upgrade: h2c") && curl.stderr.contains("Re-using existing connection"))
        }
    }

    @Test func headAnswersWithTheHeadersOfGetAndNoBody() throws {
        try withServer { port in
            let client = try HTTPTestClient(port: port)
            try client.send("HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n")
            let head = try client.readResponse(bodyless: true)
            #expect(head.status == 200 && head.headers["content-length"] == "16")
            // Had a body followed, this response would not parse.
            #expect(try client.request("GET", "/health").body == "{\"status\":\"ok\"}\n")
            try client.send("HEAD /add HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try client.readResponse(bodyless: true).status == 405)
            #expect(try client.request("POST", "/neg", body: #"{"a":1}"#).status == 200)
        }
    }

    @Test func absoluteFormTargetsRouteLikeTheirPath() throws {
        try withServer { port in
            let client = try HTTPTestClient(port: port)
            #expect(try client.request("POST", "http://127.0.0.1:\(port)/add", body: #"{"a":1,"b":2}"#).body == "{\"result\":3}\n")
            #expect(try client.request("POST", "HTTP://example.com/neg?x=1", body: #"{"a":1}"#).body == "{\"result\":-1}\n")
            #expect(try client.request("GET", "http://127.0.0.1:\(port)").status == 404)
        }
    }

    @Test func expectContinueGetsAHundredContinueBeforeTheBody() throws {
        try withServer { port in
            let client = try HTTPTestClient(port: port)
            try client.send("POST /add HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 13\r\n\r\n")
            #expect(try client.readResponse().status == 100)
            try client.send(#"{"a":1,"b":2}"#)
            #expect(try client.readResponse().body == "{\"result\":3}\n")
            // curl waits for it (a second at most without it); with it, no pause.
            let curl = try ProcessRunner.run("/usr/bin/env", ["curl", "-s", "-H", "Expect: 100-continue", "-w", " %{time_total}",
                                                              "-X", "POST", "http://127.0.0.1:\(port)/add", "-d", #"{"a":1,"b":2}"#])
            let parts = curl.stdout.split(separator: " ")
            #expect(parts.first == "{\"result\":3}\n" && (Double(parts.last ?? "9") ?? 9) < 0.9, "\(curl.stdout)")
        }
    }

    /// The compare once folded the length difference into a byte: the token followed
    /// by exactly 256 or 512 more bytes was accepted. The scheme is case-insensitive.
    @Test func theTokenIsComparedInFullAndTheSchemeInAnyCase() throws {
        try withServer(["--token", "s3cret"]) { port in
            let client = try HTTPTestClient(port: port)
            func status(_ authorization: String) throws -> Int {
                try client.request("POST", "/neg", body: #"{"a":1}"#, headers: ["Authorization": authorization]).status
            }
            for padding in [1, 255, 256, 512] {
                #expect(try status("Bearer s3cret" + String(repeating: "x", count: padding)) == 401, "\(padding)")
            }
            #expect(try status("Bearer s3cre") == 401)
            #expect(try status("Bearers3cret") == 401)
            #expect(try status("Basic s3cret") == 401)
            #expect(try status("Bearer s3cret") == 200)
            #expect(try status("bearer s3cret") == 200)
            #expect(try status("BEARER  s3cret") == 200)
        }
    }
}
