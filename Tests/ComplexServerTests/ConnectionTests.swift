@testable import ComplexServer
import Foundation
import Glibc
import Testing

/// How a connection's thread waits for its client's bytes (`Connection.receive`): on a
/// socket pair, one end the connection's, the other the client's.
@Suite struct ConnectionTests {
    /// A connected pair of stream sockets, closed at the end.
    final class SocketPair {
        let server: Int32
        let client: Int32

        init() throws {
            var ends: [Int32] = [0, 0]
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0 else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            server = ends[0]
            client = ends[1]
        }

        deinit {
            close(server)
            close(client)
        }

        /// Writes `text` from the client's end after `delay`, on another thread.
        func send(_ text: String, after delay: useconds_t) {
            let fd = client
            Thread.detachNewThread {
                usleep(delay)
                _ = text.withCString { write(fd, $0, strlen($0)) }
            }
        }
    }

    /// With a place free, a read whose bytes are late polls for
    /// `ServerThread.pollNanoseconds`, then sleeps (it stops polling long before the
    /// bytes come), and gives its place back; bytes already there are read at once.
    @Test func aReadPollsWithinItsPlaceThenSleeps() throws {
        let pair = try SocketPair()
        let places = PlaceLimit(maximum: 1)
        var input = [UInt8](repeating: 0, count: 64)
        let lateBy: useconds_t = 300_000
        pair.send("late\n", after: lateBy)
        let late = Connection.receive(pair.server, into: &input, polls: places)
        #expect(late.count == 5)
        #expect(late.polledNanoseconds >= ServerThread.pollNanoseconds)
        #expect(late.polledNanoseconds < UInt64(lateBy) * 1000 / 2, "it polled until the bytes came instead of sleeping")
        #expect(places.count == 0)

        pair.send("ready\n", after: 0)
        usleep(50_000)
        let ready = Connection.receive(pair.server, into: &input, polls: places)
        #expect(ready.count == 6)
        #expect(ready.polledNanoseconds == 0, "the bytes were there at the first try")
        #expect(Array(input[..<6]) == Array("ready\n".utf8))
        #expect(places.count == 0)
    }

    /// With every place taken, a read sleeps at once; the end of the stream and a
    /// broken one are what `read` says of them.
    @Test func withNoPlaceFreeAReadSleepsAtOnce() throws {
        let pair = try SocketPair()
        let places = PlaceLimit(maximum: 1)
        #expect(places.reserve())
        var input = [UInt8](repeating: 0, count: 64)
        pair.send("x\n", after: 100_000)
        let crowded = Connection.receive(pair.server, into: &input, polls: places)
        #expect(crowded.count == 2)
        #expect(crowded.polledNanoseconds == 0)
        places.release()

        shutdown(pair.client, Int32(SHUT_WR))
        let ended = Connection.receive(pair.server, into: &input, polls: places)
        #expect(ended.count == 0)
        #expect(ended.polledNanoseconds == 0, "the end was there at the first try")
        #expect(places.count == 0)
    }
}
