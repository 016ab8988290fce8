import ComplexLanguage
import ComplexWire
import Foundation
import Glibc
import Testing
@testable import ComplexBackends

/// `ServerConnection` against a peer in the same process, on one end of a socketpair:
/// requests in flight up to the depth, replies in order, and `ClientPolicy`'s rules for
/// a connection that goes away, a reply that is not the protocol's and one that never comes.
@Suite struct ServerConnectionTests {
    /// A server of the test's own on a thread: it reads request lines and answers each
    /// with `reply` ("": no answer; nil: answers nothing more and closes), noting the
    /// most it held unanswered at once.
    final class Peer: @unchecked Sendable {
        let fd: Int32
        let lock = NSLock()
        var mostInFlight = 0
        var requests = 0

        init(fd: Int32, reply: @escaping @Sendable (_ request: Int, _ line: String) -> String?) {
            self.fd = fd
            Thread { [self] in
                var pending = Data()
                var buffer = [UInt8](repeating: 0, count: 4096)
                serving: while true {
                    let n = read(fd, &buffer, buffer.count)
                    if n <= 0 { break }
                    pending.append(contentsOf: buffer[..<n])
                    var lines: [String] = []
                    while let newline = pending.firstIndex(of: 0x0A) {
                        lines.append(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                        pending.removeSubrange(pending.startIndex...newline)
                    }
                    lock.withLock { mostInFlight = max(mostInFlight, lines.count) }
                    var out = ""
                    for line in lines {
                        let number = lock.withLock { requests += 1; return requests }
                        guard let answer = reply(number, line) else {
                            _ = out.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
                            break serving
                        }
                        if !answer.isEmpty { out += answer + "\n" }
                    }
                    _ = out.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
                }
                close(fd)
            }.start()
        }
    }

    /// A connection whose every `open` makes a new socketpair served by a new `Peer`.
    final class Fixture: @unchecked Sendable {
        var peers: [Peer] = []
        var opened = 0
        let reply: @Sendable (Int, Int, String) -> String?
        let timeoutSeconds: Int

        init(timeoutSeconds: Int = 5, reply: @escaping @Sendable (_ connection: Int, _ request: Int, _ line: String) -> String?) {
            self.reply = reply
            self.timeoutSeconds = timeoutSeconds
        }

        func connection(depth: Int, framing: LineFraming = LineFraming()) -> ServerConnection<LineFraming> {
            ServerConnection(backend: "ipc", address: "test", framing: framing, depth: depth, policy: ClientPolicy(spinMicroseconds: 0)) {
                () throws(OperationError) in
                var ends: [Int32] = [0, 0]
                guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0 else {
                    throw .backendFailure("socketpair failed")
                }
                self.opened += 1
                let connection = self.opened
                self.peers.append(Peer(fd: ends[1]) { number, line in self.reply(connection, number, line) })
                return BlockingStream.adopting(ends[0], timeoutSeconds: self.timeoutSeconds)
            }
        }
    }

    static func negations(_ count: Int) -> [OperationCall] {
        (0..<count).map { OperationCall(.neg, .real(Double($0)), nil) }
    }

    /// The peer's answer to `{"op":"neg","a":N,"id":K}`: `{"result":-N,"id":K}`.
    static func negate(_ line: String) -> String {
        #"{"result":-\#(field("a", of: line)),"id":\#(field("id", of: line))}"#
    }

    /// The text of a request's field `name`, whose value is a number.
    static func field(_ name: String, of line: String) -> Substring {
        let value = line.split(separator: "\"\(name)\":", maxSplits: 1).last!
        return value.prefix { $0 != "," && $0 != "}" }
    }

    @Test func repliesComeInOrderWithNoMoreInFlightThanTheDepth() {
        let fixture = Fixture { _, _, line in Self.negate(line) }
        let connection = fixture.connection(depth: 8)
        var results: [Result<Value, OperationError>] = []
        connection.call(Self.negations(100), into: &results)
        #expect(results.map { try? $0.get() } == (0..<100).map { Value.real(-Double($0)) })
        #expect(fixture.peers.count == 1)
        #expect(fixture.peers[0].mostInFlight <= 8)
        #expect(fixture.peers[0].mostInFlight > 1)  // more than one went at once
    }

    /// A result used again goes back as the text it came in (`NumberTextCache`), in
    /// another spelling than the client's own; a zero is the client's to spell.
    @Test func aResultGoesBackAsTheTextItCameIn() throws {
        let requests = Requests()
        let fixture = Fixture { _, _, line in
            requests.append(line)
            return #"{"result":[1E5,-0],"id":\#(Self.field("id", of: line))}"#
        }
        let connection = fixture.connection(depth: 4)
        let first = try connection.call(OperationCall(.neg, .real(1), nil))
        #expect(first == .complex(ComplexNumber(100_000, -0.0)))
        _ = try connection.call(OperationCall(.neg, first, nil))
        #expect(requests.lines.last?.contains(#""a":[1E5,-0.0]"#) == true, "\(requests.lines)")
    }

    final class Requests: @unchecked Sendable {
        let lock = NSLock()
        var lines: [String] { lock.withLock { stored } }
        var stored: [String] = []
        func append(_ line: String) { lock.withLock { stored.append(line) } }
    }

    @Test func aKeptConnectionClosedByTheServerIsReplacedWithoutAWord() throws {
        // The first connection answers one request, then closes (an idle timeout).
        let fixture = Fixture { connection, request, line in connection == 1 && request > 1 ? nil : Self.negate(line) }
        let connection = fixture.connection(depth: 4)
        #expect(try connection.call(OperationCall(.neg, .real(1), nil)) == .real(-1))
        usleep(50_000)
        #expect(try connection.call(OperationCall(.neg, .real(2), nil)) == .real(-2))
        #expect(fixture.opened == 2)
    }

    @Test func aNewConnectionLostMidBatchFailsWhatItDidNotAnswerAndTheNextCallReconnects() throws {
        let fixture = Fixture { connection, request, line in connection == 1 && request > 3 ? nil : Self.negate(line) }
        let connection = fixture.connection(depth: 16)
        var results: [Result<Value, OperationError>] = []
        connection.call(Self.negations(10), into: &results)
        #expect(results.prefix(3).map { try? $0.get() } == [.real(-0.0), .real(-1), .real(-2)])
        for result in results.dropFirst(3) {
            guard case .failure(.backendFailure(let message)) = result else {
                Issue.record("\(result) is not a lost connection")
                continue
            }
            #expect(message.hasPrefix("ipc: lost complex-server at test ("), "\(message)")
            #expect(message.hasSuffix("; the next operation reconnects"))
        }
        #expect(try connection.call(OperationCall(.neg, .real(5), nil)) == .real(-5))
        #expect(fixture.opened == 2)
    }

    @Test func aReplyThatIsNotTheProtocolsFailsItsCallAndDropsTheConnection() throws {
        let fixture = Fixture { connection, request, line in connection == 1 && request == 2 ? #"{"resu"# : Self.negate(line) }
        let connection = fixture.connection(depth: 4)
        var results: [Result<Value, OperationError>] = []
        connection.call(Self.negations(3), into: &results)
        #expect(try results[0].get() == .real(-0.0))
        guard case .failure(.backendFailure(let message)) = results[1] else {
            Issue.record("\(results[1])")
            return
        }
        #expect(message.contains("sent a reply that is not the protocol's"), "\(message)")
        // Out of step: the rest go again on a new connection.
        #expect(try results[2].get() == .real(-2))
        #expect(fixture.opened == 2)
    }

    /// A server that answers request 2 with something that is not its answer, however
    /// well-formed: the call fails with what was wrong, nothing wrong is taken as an
    /// answer, the connection is dropped, and the rest are answered on a new one.
    @Test(arguments: [
        // One unsolicited reply: it would shift every answer after it by one.
        (#"{"result":42,"id":99}"#, "the reply's id is 99, where 2 was expected"),
        // Replies swapped in pairs.
        (#"{"result":42,"id":3}"#, "the reply's id is 3, where 2 was expected"),
        (#"{"result":42}"#, #"the reply has no "id", where 2 was expected"#),
        (#"{"result":[1e999,0],"id":2}"#, "too large for a double"),
        (#"{"result":Infinity,"id":2}"#, "expected a number"),
        (#"{"result":"Infinity","id":2}"#, "not a number as the protocol writes one"),
        (#"{"result":42,"result":-1,"id":2}"#, #"the key "result" appears twice"#),
        (#"{"result":-1,"id":2,"id":2}"#, #"the key "id" appears twice"#),
        (#"{"result":42,"error":{"code":"overflow","message":"x"},"id":2}"#, #"both "result" and "error""#),
    ]) func aReplyThatIsNotItsRequestsAnswerIsAProtocolError(reply: String, says: String) throws {
        let fixture = Fixture { connection, request, line in connection == 1 && request == 2 ? reply : Self.negate(line) }
        let connection = fixture.connection(depth: 4)
        var results: [Result<Value, OperationError>] = []
        connection.call(Self.negations(4), into: &results)
        #expect(try results[0].get() == .real(-0.0))
        guard case .failure(.backendFailure(let message)) = results[1] else {
            Issue.record("\(reply) was taken as \(results[1])")
            return
        }
        #expect(message.contains("sent a reply that is not the protocol's") && message.contains(says), "\(message)")
        #expect(try results[2].get() == .real(-2))
        #expect(try results[3].get() == .real(-3))
        #expect(fixture.opened == 2)
    }

    /// The http client's checks of a response beyond its JSON: the id it echoes, and a
    /// status that agrees with its body.
    @Test(arguments: [
        ("500 Internal Server Error", "1", #"{"result":[42,42]}"#, "its body is a result, which is never sent with status 500"),
        ("200 OK", "1", #"{"error":{"code":"overflow","message":"x"}}"#, "its body is error overflow, which is never sent with status 200"),
        ("400 Bad Request", "1", #"{"error":{"code":"overflow","message":"x"}}"#, "never sent with status 400"),
        ("200 OK", "2", #"{"result":1}"#, "X-Request-Id 2, where 1 was expected"),
        ("200 OK", nil, #"{"result":1}"#, "no X-Request-Id, where 1 was expected"),
    ] as [(String, String?, String, String)]) func anHTTPReplyMustAgreeWithItsRequestAndItsStatus(status: String, id: String?, body: String, says: String) {
        var framing = HTTPFraming(address: HTTPAddress(host: "127.0.0.1", port: 1), authorization: nil)
        var request: [UInt8] = []
        framing.appendRequest(OperationCall(.neg, .real(1), nil), to: &request)
        #expect(String(decoding: request, as: UTF8.self).contains("\r\nX-Request-Id: 1\r\n"))
        let head = "HTTP/1.1 \(status)\r\nContent-Type: application/json\r\n" + (id.map { "X-Request-Id: \($0)\r\n" } ?? "")
        var buffer = Array((head + "Content-Length: \(body.utf8.count)\r\n\r\n" + body).utf8)
        var count = buffer.count
        var replies: [Result<WireResponse, WireError>] = []
        #expect(throws: Never.self) {
            try framing.takeReplies(from: &buffer, count: &count) { reply, _ in replies.append(reply); return true }
        }
        guard replies.count == 1, case .failure(let error) = replies[0] else {
            Issue.record("\(replies)")
            return
        }
        #expect(error.message.contains(says), "\(error.message)")
    }

    /// A reply with the right id and a status that agrees is taken: an error's status is
    /// the one its code has, and a code this build does not know may come with any error status.
    @Test func anHTTPReplyThatAgreesIsTaken() throws {
        for (status, body) in [("200 OK", #"{"result":[1,2]}"#), ("422 Unprocessable Content", #"{"error":{"code":"overflow","message":"x"}}"#),
                               ("429 Too Many Requests", #"{"error":{"code":"rate_limited","message":"x"}}"#)] {
            var framing = HTTPFraming(address: HTTPAddress(host: "127.0.0.1", port: 1), authorization: nil)
            var request: [UInt8] = []
            framing.appendRequest(OperationCall(.neg, .real(1), nil), to: &request)
            var buffer = Array("HTTP/1.1 \(status)\r\nx-request-id: 1\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
            var count = buffer.count
            var replies: [Result<WireResponse, WireError>] = []
            try framing.takeReplies(from: &buffer, count: &count) { reply, _ in replies.append(reply); return true }
            guard replies.count == 1, case .success = replies[0] else {
                Issue.record("\(status): \(replies)")
                continue
            }
        }
    }

    @Test func aReplyOverTheFramingsLimitIsALostConnectionThatSaysWhy() {
        let fixture = Fixture { _, _, _ in #"{"result":1,"padding":""# + String(repeating: "x", count: 300) + #""}"# }
        let connection = fixture.connection(depth: 1, framing: LineFraming(maximumReplyLength: 100))
        let result = Result { () throws(OperationError) in try connection.call(OperationCall(.neg, .real(1), nil)) }
        guard case .failure(.backendFailure(let message)) = result else {
            Issue.record("\(result)")
            return
        }
        #expect(message.contains("replies are not the protocol's: a reply line over 100 bytes"), "\(message)")
    }

    @Test func aReplyThatNeverComesFailsAtTheDeadline() {
        let fixture = Fixture(timeoutSeconds: 1) { _, _, _ in "" }  // reads, and never answers
        let connection = fixture.connection(depth: 1)
        let started = Date()
        let result = Result { () throws(OperationError) in try connection.call(OperationCall(.neg, .real(1), nil)) }
        guard case .failure(.backendFailure(let message)) = result else {
            Issue.record("\(result)")
            return
        }
        #expect(message.contains("lost complex-server"), "\(message)")
        #expect(Date().timeIntervalSince(started) < 10)
    }

    /// A server that sends bytes without end, never a reply: `interval` between writes.
    static func sender(_ bytes: String, every interval: useconds_t, for seconds: Double) -> BlockingStream {
        var ends: [Int32] = [0, 0]
        precondition(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0)
        let peer = ends[1]
        Thread {
            let stop = Date().addingTimeInterval(seconds)
            while Date() < stop {
                let n = bytes.withCString { send(peer, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
                if n <= 0 { break }
                if interval > 0 { usleep(interval) }
            }
            close(peer)
        }.start()
        return BlockingStream.adopting(ends[0], timeoutSeconds: 1)
    }

    func httpConnection(_ open: @escaping () -> BlockingStream, spinMicroseconds: UInt64) -> ServerConnection<HTTPFraming> {
        ServerConnection(backend: "http", address: "test", framing: HTTPFraming(address: HTTPAddress(host: "127.0.0.1", port: 1), authorization: nil),
                         depth: 1, policy: ClientPolicy(spinMicroseconds: spinMicroseconds)) { () throws(OperationError) in open() }
    }

    func failure(_ connection: ServerConnection<HTTPFraming>) -> String? {
        let result = Result { () throws(OperationError) in try connection.call(OperationCall(.neg, .real(1), nil)) }
        guard case .failure(.backendFailure(let message)) = result else { return nil }
        return message
    }

    /// A stream of `100 Continue` as fast as the server can send them ends at the reply
    /// cap for interim responses, at once.
    @Test func aStormOfInterimResponsesEnds() {
        let connection = httpConnection({ Self.sender("HTTP/1.1 100 Continue\r\n\r\n", every: 0, for: 20) }, spinMicroseconds: 50)
        let started = Date()
        let message = failure(connection)
        #expect(message?.contains("interim (1xx) responses over 64 KiB") == true, "\(String(describing: message))")
        #expect(Date().timeIntervalSince(started) < 5)
    }

    /// Bytes that arrive while the client polls do not put off the reply's deadline:
    /// interim responses trickled into a long polling phase end at the deadline (1 s).
    @Test func bytesThatArriveWhileTheClientPollsDoNotPutOffTheDeadline() {
        let connection = httpConnection({ Self.sender("HTTP/1.1 100 Continue\r\n\r\n", every: 2_000, for: 20) }, spinMicroseconds: 200_000)
        let started = Date()
        let message = failure(connection)
        #expect(message?.contains("no complete reply within 1 s") == true, "\(String(describing: message))")
        #expect(Date().timeIntervalSince(started) < 5)
    }
}
