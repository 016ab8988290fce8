import Dispatch
import Glibc

/// SIGINT and SIGTERM as an awaitable event, so shutdown runs as ordinary code
/// (removing the socket file) instead of inside a signal handler.
///
/// Create it before the listeners bind: a signal that arrives as soon as a client can
/// connect must already be caught, not kill the process with its socket left behind.
package final class TerminationSignal: @unchecked Sendable {
    let stream: AsyncStream<Void>
    let sources: [any DispatchSourceSignal]  // kept alive for the process's life

    package init() {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        self.stream = stream
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield() }
            source.resume()
            return source
        }
    }

    /// Returns when the process receives SIGINT or SIGTERM.
    package func wait() async {
        for await _ in stream { return }
    }
}
