import ComplexLanguage

/// How every server backend's client behaves (`ipc`, `http`, `shm`): how long it polls
/// before it sleeps, how long it waits for a reply, how large a reply it reads, and what
/// it does when its connection goes away.
package struct ClientPolicy: Sendable {
    /// Seconds a reply may take, however it trickles in; also the connect deadline.
    package static let replyTimeoutSeconds = 5
    /// The longest reply read (a server sending more is not the protocol's).
    package static let maximumReplyLength = 1 << 20

    /// How long a read polls before it sleeps, in µs.
    package let spinMicroseconds: UInt64

    /// `COMPLEX_REPL_SPIN_US`, else 50 µs of polling.
    package init(environment: [String: String]) {
        spinMicroseconds = environment["COMPLEX_REPL_SPIN_US"].flatMap { UInt64($0) } ?? 50
    }

    package init(spinMicroseconds: UInt64) {
        self.spinMicroseconds = spinMicroseconds
    }

    /// Why a connection stopped answering.
    package struct Lost: Error, Sendable {
        package var reason: String
        /// The other end closed or reset it: on a connection kept from earlier, most
        /// often the server's idle timeout or a restart rather than this request.
        package var peerClosed: Bool

        package init(reason: String, peerClosed: Bool) {
            self.reason = reason
            self.peerClosed = peerClosed
        }
    }

    /// Sends calls `0..<count` over a connection to `peer` (`complex-server at PATH`, or
    /// a command) and hands `answer` each one's result,
    /// in order, exactly once. `serve` sends and reads on the connection `connect`
    /// gives, counting the calls answered in its argument, until all are or it throws.
    /// A connection kept from earlier (`isConnected` before the attempt) that is found
    /// closed before it answers anything is replaced without a word: operations have
    /// no side effects, so sending them again is harmless. One lost otherwise fails
    /// every call it had not answered, and the next call connects again.
    @inline(__always)
    package static func exchange(
        count: Int, backend: String, peer: String, recovery: String = "the next operation reconnects",
        isConnected: () -> Bool,
        connect: () throws(OperationError) -> Void,
        serve: (_ answered: inout Int) throws(Lost) -> Void,
        disconnect: () -> Void,
        answer: (Int, Result<Value, OperationError>) -> Void
    ) {
        var answered = 0
        while answered < count {
            let kept = isConnected()
            do throws(OperationError) {
                try connect()
            } catch {
                while answered < count { answer(answered, .failure(error)); answered += 1 }
                return
            }
            let answeredBefore = answered
            do throws(Lost) {
                try serve(&answered)
            } catch {
                disconnect()
                if kept && answered == answeredBefore && error.peerClosed { continue }
                let failure = OperationError.backendFailure(
                    "\(backend): lost \(peer) (\(error.reason)); \(recovery)")
                while answered < count { answer(answered, .failure(failure)); answered += 1 }
                return
            }
        }
    }
}
