import Foundation
import Testing
@testable import ComplexServer

/// The `stdio` server's reads: like a socket connection's thread, it polls its input
/// before it sleeps, on a pipe, which `recv` cannot read.
@Suite struct StdioServerTests {
    /// Bytes 300 ms late: the read polled for `ServerThread.pollNanoseconds`, then slept
    /// (it stopped polling long before they came); bytes already there are read at the
    /// first look, and so is the end of the input (0).
    @Test func aReadPollsThenSleeps() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let (input, output) = (ends[0], ends[1])
        // Close-on-exec: a child another test starts must not hold the pipe open.
        _ = fcntl(input, F_SETFD, FD_CLOEXEC)
        _ = fcntl(output, F_SETFD, FD_CLOEXEC)
        defer { close(input) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let lateBy: useconds_t = 300_000
        Thread.detachNewThread {
            usleep(lateBy)
            _ = "late\n".withCString { write(output, $0, strlen($0)) }
        }
        let late = StdioServer.receive(input, into: &buffer)
        #expect(late.count == 5)
        #expect(late.polledNanoseconds >= ServerThread.pollNanoseconds)
        #expect(late.polledNanoseconds < UInt64(lateBy) * 1000 / 2, "it polled until the bytes came instead of sleeping")

        _ = "ready\n".withCString { write(output, $0, strlen($0)) }
        let ready = StdioServer.receive(input, into: &buffer)
        #expect(ready.count == 6)
        #expect(ready.polledNanoseconds == 0, "the bytes were there at the first look")
        #expect(Array(buffer[..<6]) == Array("ready\n".utf8))

        close(output)
        let ended = StdioServer.receive(input, into: &buffer)
        #expect(ended.count == 0)
        #expect(ended.polledNanoseconds == 0, "the end was there at the first look")
    }
}
