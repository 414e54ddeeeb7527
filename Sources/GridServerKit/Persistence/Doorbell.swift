import Synchronization

/// Tells a waiting loop that there is work, so it can sleep long when there is none: the
/// persister's dispatcher waits on it between reads of the dirty marks. Rings while nobody
/// waits are kept as one, so none is missed and a burst costs one wake-up.
///
/// A continuation, not an `AsyncStream`: a stream finishes for good when a task waiting on it
/// is cancelled, and every wait here ends by a timeout that cancels something, after which each
/// later wait returned at once and the dispatcher spun.
public final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiter: (id: UInt64, continuation: CheckedContinuation<Void, Never>)?
        var nextID: UInt64 = 0
        /// The newest wait ended by its timeout or cancellation, maybe before it was stored.
        var released: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    public func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.rung = true
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }

    /// Returns when rung (or rung since the last wait), after `timeout`, or when cancelled.
    /// One waiter at a time.
    public func wait(atMost timeout: Duration) async {
        let id = state.withLock { state -> UInt64? in
            if state.rung {
                state.rung = false
                return nil
            }
            state.nextID += 1
            return state.nextID
        }
        guard let id, !Task.isCancelled else { return }
        let timer = Task { [self] in
            try? await Task.sleep(for: timeout)
            release(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = state.withLock { state -> Bool in
                    if state.released >= id { return true }
                    if state.rung {
                        state.rung = false
                        return true
                    }
                    state.waiter = (id, continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            release(id)
        }
        timer.cancel()
    }

    /// Ends wait `id` if it is still waiting.
    private func release(_ id: UInt64) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.released = max(state.released, id)
            guard let waiter = state.waiter, waiter.id == id else { return nil }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }
}
