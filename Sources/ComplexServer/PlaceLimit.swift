import Synchronization

/// At most `maximum` of something at once, counted without a lock: shm channels, and
/// refused connections still draining, each of which holds a thread.
final class PlaceLimit: Sendable {
    let maximum: Int
    private let open = Atomic<Int>(0)

    init(maximum: Int) {
        self.maximum = maximum
    }

    /// Takes a place; false when every place is taken.
    func reserve() -> Bool {
        var current = open.load(ordering: .relaxed)
        while current < maximum {
            let (exchanged, original) = open.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if exchanged { return true }
            current = original
        }
        return false
    }

    func release() {
        open.subtract(1, ordering: .releasing)
    }

    /// Places taken now.
    var count: Int { open.load(ordering: .acquiring) }
}
