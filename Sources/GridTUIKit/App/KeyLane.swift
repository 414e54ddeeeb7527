import Synchronization

/// Keys waiting for the app loop, handled before the next queued event whatever its place: with
/// a busy grid the loop's queue holds many other users' updates, and a key behind them would wait
/// for all of them to reach the screen.
final class KeyLane: Sendable {
    private let keys = Mutex<[(key: Key, readAt: ContinuousClock.Instant)]>([])

    /// Queues a key; true when the lane was empty, so the loop needs waking.
    func push(_ key: Key, readAt: ContinuousClock.Instant) -> Bool {
        keys.withLock { keys in
            keys.append((key, readAt))
            return keys.count == 1
        }
    }

    /// Every key waiting, in the order typed.
    func drain() -> [(key: Key, readAt: ContinuousClock.Instant)] {
        keys.withLock { keys in
            defer { keys = [] }
            return keys
        }
    }
}
