import Logging
import MySQLClient
import RedisClient
import ServiceLifecycle
import Shared

/// Copies every grid's log into MySQL. Any server may persist a grid; a Redis lease picks one
/// at a time, so batches commit in log order. Entries are read through a consumer group, written
/// in one transaction per batch, acknowledged only after the commit, and the new durable
/// watermark is announced to every server. The stream is trimmed only below what MySQL holds,
/// and op outcomes only once their ops have been durable for the ops grace period. The loop
/// for each grid is `PersisterStateMachine`; this type performs its actions.
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
        var rebuilder = GridRebuilder(redis: redis, mysql: mysql, logger: logger)
        rebuilder.recentOpsMilliseconds = configuration.opsGraceMilliseconds
        self.rebuilder = rebuilder
        self.serverID = serverID
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "component"] = "persister"
        self.logger = logger
    }

    public func run() async throws {
        try? await store.adoptLegacyGridIndex()
        await withDiscardingTaskGroup { group in
            var running: Set<String> = []
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                if let grids = try? await store.grids() {
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

    /// Performs the actions of the grid's `PersisterStateMachine` until cancelled.
    func persist(grid: String) async {
        // Throws only once the client is shut down or the task cancelled: the server is stopping.
        try? await redis.withDedicatedConnection { reader in await persist(grid: grid, reader: reader) }
    }

    private func persist(grid: String, reader: RedisEventLoopConnection) async {
        var machine = PersisterStateMachine(
            configuration: .init(
                batchSize: configuration.batchSize, leaseMilliseconds: configuration.leaseMilliseconds,
                trimAfter: configuration.trimAfter, opsGrace: configuration.opsGrace
            ),
            startedAtMilliseconds: WallClock.nowMilliseconds()
        )
        // The next batch, read and decoded while the current one commits: the two take about as
        // long as each other, so a backlog drains at nearly twice the rate.
        var readAhead: Task<[GridEvent], any Error>?
        defer { readAhead?.cancel() }
        var action = machine.start()
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                switch action {
                case .takeLease:
                    action = machine.leaseTaken(try await store.takeLease(grid: grid, holder: serverID, milliseconds: configuration.leaseMilliseconds))
                case .ensureRedis:
                    try await rebuilder.ensure(grid: grid)
                    action = machine.redisEnsured()
                case .createGroup:
                    try await store.createPersistGroup(grid: grid)
                    action = machine.groupCreated()
                case .readPending:
                    let events = try await store.readPending(grid: grid, count: configuration.batchSize)
                    action = machine.read(events, pending: true, now: .now)
                case .readNew:
                    let events = try await store.readNew(grid: grid, count: configuration.batchSize, on: reader)
                    action = machine.read(events, pending: false, now: .now)
                case .awaitReadAhead:
                    let events = try await readAhead?.value ?? []
                    readAhead = nil
                    action = machine.read(events, pending: false, now: .now)
                case .write(let events, let startReadAhead):
                    if startReadAhead {
                        let (store, count) = (self.store, configuration.batchSize)
                        readAhead = Task { try await store.readNew(grid: grid, count: count, on: reader) }
                    }
                    let recovering = machine.failures > 0
                    let published = try await write(events, grid: grid)
                    if !published {
                        // Redis restarted after this batch was read and lost it: MySQL now holds
                        // entries Redis does not, so the grid is rebuilt before anyone relies on it.
                        logger.warning("Redis lost entries MySQL now holds; rebuilding the grid", metadata: ["grid": "\(grid)", "version": "\(events.last!.id)"])
                    }
                    action = machine.written(last: events.last!.id, published: published, now: .now)
                    if recovering && machine.failures == 0 { logger.info("persister recovered", metadata: ["grid": "\(grid)"]) }
                case .rebuild:
                    readAhead?.cancel()
                    readAhead = nil
                    try await rebuilder.ensure(grid: grid)
                    action = machine.rebuilt()
                case .trim(let log, let ops, let dropLegacy):
                    if let log { try await store.trimLog(grid: grid, below: log) }
                    if ops != nil || dropLegacy { _ = try await store.trimOps(grid: grid, below: ops ?? .zero, dropLegacy: dropLegacy) }
                    action = machine.trimmed()
                case .sleep(let duration):
                    readAhead?.cancel()
                    readAhead = nil
                    try? await Task.sleep(for: duration)
                    action = machine.slept()
                }
            } catch {
                readAhead?.cancel()
                readAhead = nil
                let lostGroup = (error as? RedisError)?.message.hasPrefix("NOGROUP") ?? false
                if error is RedisError { metrics?.redisErrors.increment() }
                action = machine.failed(lostGroup: lostGroup)
                if machine.shouldReportFailure {
                    logger.warning("persister waiting", metadata: ["grid": "\(grid)", "error": "\(error)", "failures": "\(machine.failures)"])
                }
            }
        }
    }

    /// Writes one batch to MySQL, acknowledges it and announces the new watermark; false when
    /// this Redis lacks the batch's last entry.
    private func write(_ events: [GridEvent], grid: String) async throws -> Bool {
        guard let last = events.last else { return true }
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
        try await store.acknowledge(grid: grid, events.map(\.id))
        return try await store.publishDurable(grid: grid, last.id)
    }
}
