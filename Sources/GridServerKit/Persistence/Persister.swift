import Logging
import MySQLClient
import RedisClient
import ServiceLifecycle
import Shared
import Synchronization

/// Copies the log of every grid with unpersisted entries into MySQL. Any server may persist a
/// grid; a Redis lease picks one at a time, so batches commit in log order. Entries are read through a consumer group, written
/// in one transaction per batch, acknowledged only after the commit, and the new durable
/// watermark is announced to every server. The stream is trimmed only below what MySQL holds,
/// and op outcomes only once their ops have been durable for the ops grace period. The loop
/// for each grid is `PersisterStateMachine`; this type performs its actions.
public final class Persister: Service {
    private let redis: RedisClient
    private let store: GridStore
    private let rebuilder: GridRebuilder
    private let serverID: String
    private let configuration: ServerConfiguration.PersisterConfiguration
    private let metrics: ServerMetrics?
    private let editsWritten: Doorbell?
    private let commits: GroupCommit
    private let logger: Logger
    /// When this persister started: every server runs this version by then (legacy op hashes).
    private let startedAtMilliseconds = WallClock.nowMilliseconds()

    public init(
        redis: RedisClient, mysql: MySQLClient, serverID: String, configuration: ServerConfiguration.PersisterConfiguration,
        metrics: ServerMetrics? = nil, editsWritten: Doorbell? = nil, logger: Logger
    ) {
        self.metrics = metrics
        self.editsWritten = editsWritten
        self.redis = redis
        self.commits = GroupCommit(mysql: mysql)
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

    /// What one pass over a grid ended with.
    enum PassOutcome: Equatable {
        /// Every entry is in MySQL; trimming may still be due later.
        case caughtUp
        /// Another server holds the grid's lease.
        case leaseRefused
        /// Redis or MySQL failed; try again after this long.
        case failed(Duration)
        case stopped
    }

    private struct Dispatch {
        var running: Set<String> = []
        /// Grids not to try before the instant: another server's lease, or a failure's backoff.
        var notBefore: [String: ContinuousClock.Instant] = [:]
        /// Each grid's loop state between passes, kept for its trimming points; dropped once
        /// nothing is left to trim.
        var machines: [String: PersisterStateMachine] = [:]
        /// Grids whose pass the stop interrupted, their lease still this server's.
        var stopped: Set<String> = []
    }

    private let dispatch = Mutex(Dispatch())

    /// A fixed pool of `configuration.workers` passes at a time over the grids whose dirty mark is
    /// due (`GridSchema.dirty`): the work follows the grids with unpersisted entries, not the
    /// grids that exist. No pass blocks in Redis, so the pool needs no connections of its own.
    public func run() async throws {
        try? await store.adoptLegacyGridIndex()
        let workers = max(1, configuration.workers)
        var idle = Duration.milliseconds(10)
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let free = workers - dispatch.withLock { $0.running.count }
                guard free > 0 else {
                    try? await Task.sleep(for: .milliseconds(5))
                    continue
                }
                let due = (try? await store.dueGrids(now: WallClock.nowMilliseconds(), limit: 64 + workers)) ?? []
                let now = ContinuousClock.now
                let chosen = dispatch.withLock { state -> [String] in
                    state.notBefore = state.notBefore.filter { $0.value > now }
                    let chosen = due.filter { !state.running.contains($0) && state.notBefore[$0] == nil }.prefix(free)
                    state.running.formUnion(chosen)
                    return Array(chosen)
                }
                for grid in chosen {
                    group.addTask {
                        let outcome = await self.pass(grid: grid)
                        self.dispatch.withLock { state in
                            state.running.remove(grid)
                            switch outcome {
                            case .leaseRefused: state.notBefore[grid] = .now + .milliseconds(self.configuration.leaseMilliseconds / 4)
                            case .failed(let delay): state.notBefore[grid] = .now + delay
                            case .stopped: state.stopped.insert(grid)
                            case .caughtUp: break
                            }
                        }
                    }
                }
                // Quick while there is work, so an edit's durability waits little: every 10 ms
                // while it starts passes, backing off to 50 ms while the due grids are all being
                // persisted already. With nothing due, it waits for this server's sequencer to
                // write an edit (the doorbell), and reads the marks once a second anyway, for the
                // grids other servers wrote (their own persisters usually take them first) and
                // for a dead server's grids: an idle server costs Redis one small read a second.
                // The doorbell only ends that wait: a ring while passes run must not make the
                // dispatcher spin on reads. (Without a doorbell, in tests of the persister alone,
                // it polls every 50 ms at most.)
                if due.isEmpty, let editsWritten {
                    idle = min(max(idle * 2, .milliseconds(50)), .seconds(1))
                    let wait = idle
                    try? await cancelWhenGracefulShutdown { await editsWritten.wait(atMost: wait) }
                } else {
                    idle = chosen.isEmpty ? min(idle * 2, .milliseconds(50)) : .milliseconds(10)
                    try? await Task.sleep(for: idle)
                }
            }
            group.cancelAll()
        }
        if !Task.isCancelled { await finalDrain(workers: workers) }
    }

    /// On a graceful stop the sessions have just ended, their closes appended to their grids'
    /// logs: passes over the grids due then put them in MySQL, so this server leaves no session
    /// `open` there. It runs detached, because every pass ends at once while the server is
    /// shutting down gracefully, and for `limit` at most, so that the stop stays within seconds;
    /// what it does not finish, the next persister of any server does.
    private func finalDrain(workers: Int, within limit: Duration = .seconds(3)) async {
        let interrupted = dispatch.withLock { $0.stopped }
        let drain = Task.detached { [self] in
            // Passes the stop interrupted hold their grid's lease, its mark a lease ahead: let
            // go of both, so that these grids are drained now.
            for grid in interrupted {
                try? await store.releaseLease(grid: grid, holder: serverID)
                try? await store.markDirty(grid: grid)
            }
            // Read again after each round: closes still being appended come in behind. Newest
            // marks first, as those are this server's. A grid caught up leaves the due marks
            // unless written again; one refused or failing is not tried again. Done once
            // nothing has been due for a moment.
            var skipped: Set<String> = []
            var quietSince = ContinuousClock.now
            while !Task.isCancelled {
                let due = ((try? await store.dueGrids(now: WallClock.nowMilliseconds(), limit: 256, newestFirst: true)) ?? [])
                    .filter { !skipped.contains($0) }.prefix(workers)
                if due.isEmpty {
                    if ContinuousClock.now - quietSince > .milliseconds(300) { return }
                    try? await Task.sleep(for: .milliseconds(50))
                    continue
                }
                let refused = await withTaskGroup(of: String?.self) { group in
                    for grid in due { group.addTask { await self.pass(grid: grid) == .caughtUp ? nil : grid } }
                    return await group.reduce(into: Set<String>()) { if let grid = $1 { $0.insert(grid) } }
                }
                skipped.formUnion(refused)
                quietSince = .now
            }
        }
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await drain.value }
                group.addTask { try? await Task.sleep(for: limit) }
                await group.next()
                drain.cancel()
                group.cancelAll()
            }
        } onCancel: {
            drain.cancel()
        }
    }

    /// Persists `grid` alone until cancelled (tests that run one grid without the pool).
    func persist(grid: String) async {
        while !Task.isCancelled {
            switch await pass(grid: grid) {
            case .stopped: return
            case .failed(let delay): try? await Task.sleep(for: delay)
            case .caughtUp, .leaseRefused: try? await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// One pass over a grid: drains it into MySQL, then sets its mark to when trimming is due
    /// (or removes it) and checks that nothing arrived meanwhile, draining again if something did.
    func pass(grid: String) async -> PassOutcome {
        var machine = dispatch.withLock { $0.machines.removeValue(forKey: grid) } ?? PersisterStateMachine(
            configuration: .init(
                batchSize: configuration.batchSize, leaseMilliseconds: configuration.leaseMilliseconds,
                trimAfter: configuration.trimAfter, opsGrace: configuration.opsGrace
            ),
            startedAtMilliseconds: startedAtMilliseconds
        )
        var outcome = PassOutcome.stopped
        var keep = true
        passes: while !Task.isCancelled && !Task.isShuttingDownGracefully {
            outcome = await drain(grid: grid, machine: &machine)
            guard outcome == .caughtUp else { break }
            let due = machine.nextTrimDue().map { instant in
                WallClock.nowMilliseconds() + max(0, Self.milliseconds(instant - .now))
            }
            do {
                if try await store.settleMark(grid: grid, nextAt: due) {
                    if Task.isCancelled || Task.isShuttingDownGracefully {
                        // Stopping, with entries MySQL lacks and the mark just settled: it must
                        // be due again, or no persister would come back for them.
                        try? await store.markDirty(grid: grid)
                        outcome = .stopped
                        break
                    }
                    continue passes
                }
            } catch {
                outcome = .failed(.milliseconds(500))
            }
            keep = due != nil
            break
        }
        if keep { dispatch.withLock { $0.machines[grid] = machine } }
        return outcome
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Performs the actions of the grid's `PersisterStateMachine` until the grid is caught up,
    /// its lease is another server's, or something fails.
    private func drain(grid: String, machine: inout PersisterStateMachine) async -> PassOutcome {
        // The next batch, read and decoded while the current one commits: the two take about as
        // long as each other, so a backlog drains at nearly twice the rate.
        var readAhead: Task<[GridEvent], any Error>?
        defer { readAhead?.cancel() }
        var action = machine.start()
        var caughtUp = false
        var postponed = false
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                switch action {
                case .takeLease:
                    if caughtUp { return .caughtUp }
                    let lease = try await store.takeLease(grid: grid, holder: serverID, milliseconds: configuration.leaseMilliseconds)
                    if lease == .refused {
                        _ = machine.leaseTaken(false)
                        return .leaseRefused
                    }
                    if lease == .taken { machine.leaseWasNew() }
                    if !postponed {
                        // Other servers skip the grid while this one drains it; if this server
                        // dies, the mark comes due again when the lease has run out.
                        try await store.postponeMark(grid: grid, by: configuration.leaseMilliseconds)
                        postponed = true
                    }
                    action = machine.leaseTaken(true)
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
                    let events = try await store.readNew(grid: grid, count: configuration.batchSize)
                    // A short read took everything there was: once it is written, the pass
                    // ends, and `settleMark` sees anything appended since.
                    if events.count < configuration.batchSize { caughtUp = true }
                    action = machine.read(events, pending: false, now: .now)
                case .awaitReadAhead:
                    let events = try await readAhead?.value ?? []
                    readAhead = nil
                    if events.count < configuration.batchSize { caughtUp = true }
                    action = machine.read(events, pending: false, now: .now)
                case .write(let events, let startReadAhead):
                    if startReadAhead {
                        let (store, count) = (self.store, configuration.batchSize)
                        readAhead = Task { try await store.readNew(grid: grid, count: count) }
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
                    return .failed(duration)
                }
            } catch {
                readAhead?.cancel()
                readAhead = nil
                // Stopping is not a failure worth a warning.
                if Task.isCancelled || Task.isShuttingDownGracefully || (error as? RedisError)?.code == .closed { return .stopped }
                let lostGroup = (error as? RedisError)?.message.hasPrefix("NOGROUP") ?? false
                if error is RedisError { metrics?.redisErrors.increment() }
                action = machine.failed(lostGroup: lostGroup)
                if machine.shouldReportFailure {
                    logger.warning("persister waiting", metadata: ["grid": "\(grid)", "error": "\(error)", "failures": "\(machine.failures)"])
                }
            }
        }
        return .stopped
    }

    /// Writes one batch to MySQL (in one transaction with the other passes' batches waiting
    /// then), acknowledges it and announces the new watermark; false when this Redis lacks the
    /// batch's last entry.
    private func write(_ events: [GridEvent], grid: String) async throws -> Bool {
        guard let last = events.last else { return true }
        do {
            try await commits.write(EventWriter.GridBatch(grid: grid, events: events))
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
