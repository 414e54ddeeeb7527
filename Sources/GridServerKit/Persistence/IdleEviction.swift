import Logging
import RedisClient
import ServiceLifecycle
import Shared

/// Drops grids nobody used for `after` from Redis, when every entry of theirs is in MySQL and
/// no one is present: Redis then holds the grids in use, not every grid that ever existed. The
/// next login rebuilds a dropped grid from MySQL (`GridRebuilder`), as after a Redis loss. One
/// server at a time does it, under a lease; each round looks at a bounded batch of the oldest.
public struct IdleEviction: Service {
    let store: GridStore
    let serverID: String
    let after: Duration
    let logger: Logger
    /// Grids looked at per round.
    var batch = 500

    public init(redis: RedisClient, serverID: String, after: Duration, logger: Logger) {
        self.store = GridStore(redis: redis)
        self.serverID = serverID
        self.after = after
        var logger = logger
        logger[metadataKey: "component"] = "idle-eviction"
        self.logger = logger
    }

    var interval: Duration { min(max(after / 4, .milliseconds(500)), .seconds(60)) }

    public func run() async throws {
        let interval = self.interval
        let (seconds, attoseconds) = after.components
        let afterMilliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let leaseMilliseconds = Int(interval.components.seconds * 1000) * 3 + 1000
                if try await store.takeEvictionLease(holder: serverID, milliseconds: leaseMilliseconds) {
                    var dropped = 0
                    for grid in try await store.idleGrids(before: WallClock.nowMilliseconds() - afterMilliseconds, limit: batch) {
                        if Task.isCancelled || Task.isShuttingDownGracefully { break }
                        if try await store.evict(grid: grid) { dropped += 1 }
                    }
                    if dropped > 0 { logger.info("idle grids left Redis", metadata: ["grids": "\(dropped)"]) }
                }
            } catch {
                if !(Task.isCancelled || Task.isShuttingDownGracefully) {
                    logger.debug("idle eviction skipped", metadata: ["error": "\(error)"])
                }
            }
            // Up to a minute between rounds: a graceful stop must not wait for it.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
