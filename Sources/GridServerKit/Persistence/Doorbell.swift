/// Tells a waiting loop that there is work, so it can sleep long when there is none: the
/// persister's dispatcher waits on it between reads of the dirty marks. Rings while nobody
/// waits are kept as one, so none is missed and a burst costs one wake-up.
public final class Doorbell: Sendable {
    private let rings: AsyncStream<Void>
    private let bell: AsyncStream<Void>.Continuation

    public init() {
        (rings, bell) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public func ring() { bell.yield() }

    /// Returns when rung (or rung since the last wait), or after `timeout`, or when cancelled.
    /// One waiter at a time.
    public func wait(atMost timeout: Duration) async {
        let rings = self.rings
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var iterator = rings.makeAsyncIterator()
                _ = await iterator.next()
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }
}
