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
                return BlockingSocket.adopting(ends[0], timeoutSeconds: self.timeoutSeconds)
            }
        }
    }

    static func negations(_ count: Int) -> [OperationCall] {
        (0..<count).map { OperationCall(.neg, .real(Double($0)), nil) }
    }

    /// The peer's answer to `{"op":"neg","a":N}`.
    static func negate(_ line: String) -> String {
        let number = line.split(separator: ":").last!.dropLast()
        return #"{"result":-\#(number)}"#
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
    static func sender(_ bytes: String, every interval: useconds_t, for seconds: Double) -> BlockingSocket {
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
        return BlockingSocket.adopting(ends[0], timeoutSeconds: 1)
    }

    func httpConnection(_ open: @escaping () -> BlockingSocket, spinMicroseconds: UInt64) -> ServerConnection<HTTPFraming> {
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
