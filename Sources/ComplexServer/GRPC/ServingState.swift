import Synchronization

/// Whether the server is serving or stopping, for the health service: its checks read
/// it, and its watches wait for the change.
final class ServingState: Sendable {
    struct State {
        var stopping = false
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state = Mutex(State())

    var isStopping: Bool { state.withLock { $0.stopping } }

    /// The server has begun to stop: wakes every watch.
    func stop() {
        let waiters = state.withLock { state in
            state.stopping = true
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the server is stopping, or when the task is cancelled.
    func waitUntilStopping() async {
        let number = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    if state.stopping || Task.isCancelled { return true }
                    state.waiters[number] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: number) }?.resume()
        }
    }
}
