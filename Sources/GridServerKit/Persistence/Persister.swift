import Logging
import MySQLClient
import RedisClient
import ServiceLifecycle
import Shared

/// Copies every grid's log into MySQL. Any server may persist a grid; a Redis lease picks one
/// at a time, so batches commit in log order. Entries are read through a consumer group, written
/// in one transaction per batch, acknowledged only after the commit, and the new durable
/// watermark is announced to every server. The stream is trimmed only below what MySQL holds.
public final class Persister: Service {
    private let redis: RedisClient
    private let mysql: MySQLClient
    private let store: GridStore
    private let rebuilder: GridRebuilder
    private let serverID: String
    private let configuration: ServerConfiguration.PersisterConfiguration
    private let metrics: ServerMetrics?
    private let logger: Logger

    public init(
        redis: RedisClient, mysql: MySQLClient, serverID: String, configuration: ServerConfiguration.PersisterConfiguration,
        metrics: ServerMetrics? = nil, logger: Logger
    ) {
        self.metrics = metrics
        self.redis = redis
        self.mysql = mysql
        self.store = GridStore(redis: redis)
        self.rebuilder = GridRebuilder(redis: redis, mysql: mysql, logger: logger)
        self.serverID = serverID
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "component"] = "persister"
        self.logger = logger
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            var running: Set<String> = []
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                if let grids = try? await redis.command(["SMEMBERS", RedisKeys.grids]).array?.compactMap(\.string) {
                    for grid in grids where !running.contains(grid) {
                        running.insert(grid)
                        group.addTask { await self.persist(grid: grid) }
                    }
                }
                try? await Task.sleep(for: .milliseconds(500))
            }
            group.cancelAll()
        }
    }

    private func persist(grid: String) async {
        // Throws only once the client is shut down or the task cancelled: the server is stopping.
        try? await redis.withDedicatedConnection { reader in await persist(grid: grid, reader: reader) }
    }

    private func persist(grid: String, reader: RedisEventLoopConnection) async {
        let keys = RedisKeys(grid: grid)
        var groupReady = false
        var checkPending = true
        // Before recording durability in a Redis, check it holds what MySQL holds: one that came
        // back behind would otherwise be marked durable past entries it lost, and never rebuilt.
        var checkRedis = true
        var failures = 0
        var trimPoints: [(at: ContinuousClock.Instant, version: Version)] = []
        // The next batch, read and decoded while the current one commits: the two take about as
        // long as each other, so a backlog drains at nearly twice the rate.
        var prefetch: Task<[GridEvent], any Error>?
        defer { prefetch?.cancel() }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let held = try await GridScripts.lease.run(
                    redis, keys: [keys.persisterLease], args: [serverID, String(configuration.leaseMilliseconds)]
                ).int == 1
                guard held else {
                    prefetch?.cancel()
                    prefetch = nil
                    checkPending = true
                    checkRedis = true
                    try await Task.sleep(for: .milliseconds(configuration.leaseMilliseconds / 4))
                    continue
                }
                if checkRedis {
                    try await rebuilder.ensure(grid: grid)
                    checkRedis = false
                }
                if !groupReady {
                    try await createGroup(keys)
                    groupReady = true
                }
                let count = String(configuration.batchSize)
                let readNew: [String] = [
                    "XREADGROUP", "GROUP", RedisKeys.persistGroup, RedisKeys.persistConsumer, "COUNT", count, "BLOCK", "500",
                    "STREAMS", keys.log, ">",
                ]
                var entries: [RedisValue] = []
                var prefetched: [GridEvent] = []
                if let next = prefetch {
                    prefetch = nil
                    prefetched = try await next.value
                } else if checkPending {
                    entries = Self.entries(try await redis.command([
                        "XREADGROUP", "GROUP", RedisKeys.persistGroup, RedisKeys.persistConsumer, "COUNT", count, "STREAMS", keys.log, "0",
                    ]))
                    checkPending = !entries.isEmpty
                }
                if entries.isEmpty && prefetched.isEmpty {
                    entries = Self.entries(try await reader.command(readNew, timeout: .seconds(5)))
                }
                let events = prefetched.isEmpty ? entries.compactMap(LogEntry.decode) : prefetched
                guard let last = events.last else { continue }
                // Only new entries are read ahead: pending ones (after a failure or a new lease)
                // must all be written before anything newer is announced durable.
                if !checkPending && events.count == configuration.batchSize {
                    prefetch = Task { Self.entries(try await reader.command(readNew, timeout: .seconds(5))).compactMap(LogEntry.decode) }
                }
                do {
                    try await mysql.withConnection { connection in
                        try EventWriter.write(events, grid: grid, on: connection)
                    }
                } catch {
                    metrics?.mysqlErrors.increment()
                    throw error
                }
                metrics?.persisterBatch.record(Double(events.count))
                metrics?.persistedEvents.increment(by: Int64(events.count))
                metrics?.persisterLag.set(ServerMetrics.age(ofMilliseconds: last.id.milliseconds))
                _ = try await redis.command(["XACK", keys.log, RedisKeys.persistGroup] + events.map(\.id.description))
                if try await !store.publishDurable(grid: grid, last.id) {
                    // Redis restarted after this batch was read and lost it: MySQL now holds
                    // entries Redis does not, so the grid is rebuilt before anyone relies on it.
                    logger.warning("Redis lost entries MySQL now holds; rebuilding the grid", metadata: ["grid": "\(grid)", "version": "\(last.id)"])
                    prefetch?.cancel()
                    prefetch = nil
                    checkPending = true
                    try await rebuilder.ensure(grid: grid)
                    continue
                }
                try await trim(keys, durable: last.id, points: &trimPoints)
                if failures > 0 {
                    logger.info("persister recovered", metadata: ["grid": "\(grid)"])
                    failures = 0
                }
            } catch {
                prefetch?.cancel()
                prefetch = nil
                failures += 1
                checkPending = true
                checkRedis = true
                if let redisError = error as? RedisError {
                    metrics?.redisErrors.increment()
                    if redisError.message.hasPrefix("NOGROUP") { groupReady = false }
                }
                if failures == 1 || failures % 20 == 0 {
                    logger.warning("persister waiting", metadata: ["grid": "\(grid)", "error": "\(error)", "failures": "\(failures)"])
                }
                try? await Task.sleep(for: .milliseconds(min(1000, 100 * failures)))
            }
        }
    }

    private func createGroup(_ keys: RedisKeys) async throws {
        do {
            _ = try await redis.command(["XGROUP", "CREATE", keys.log, RedisKeys.persistGroup, "0", "MKSTREAM"])
        } catch let error as RedisError where error.message.hasPrefix("BUSYGROUP") {
            return
        }
    }

    /// Trims the stream below a watermark that has been durable for a while, so the stream keeps
    /// a recent tail for history and for slow tails.
    private func trim(_ keys: RedisKeys, durable: Version, points: inout [(at: ContinuousClock.Instant, version: Version)]) async throws {
        let now = ContinuousClock.now
        points.append((now, durable))
        let cutoff = now - configuration.trimAfter
        guard let index = points.lastIndex(where: { $0.at < cutoff }) else { return }
        let point = points[index].version
        points.removeFirst(index + 1)
        _ = try await redis.command(["XTRIM", keys.log, "MINID", "~", point.description])
    }

    private static func entries(_ reply: RedisValue) -> [RedisValue] {
        reply.array?.first?.array?.dropFirst().first?.array ?? []
    }
}
