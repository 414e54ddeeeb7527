import Logging
import RedisClient
import ServiceLifecycle

/// The grids this server has sessions for, each with its hub, and the tails that feed them
/// (`GridTails`), run as children of this service so that they stop with the service group. A
/// hub lives only while the grid has sessions here: once the last one has been gone for
/// `linger`, the hub is removed and its grid is no longer read. So tailing follows sessions,
/// never the grids that exist; the linger keeps a client that reconnects at once from paying
/// for a new hub.
public actor GridHubs: Service {
    private struct Entry {
        let task: Task<GridHub, any Error>
        /// When `hub(for:)` last handed it out: a login between that and its subscribe must not
        /// find the hub retired, so the linger counts from here too.
        var handedOut: ContinuousClock.Instant
        /// Since when the hub has had no session, as the sweep saw it.
        var idleSince: ContinuousClock.Instant?
    }

    private var hubs: [String: Entry] = [:]
    private let redis: RedisClient
    private let metrics: ServerMetrics?
    private let logger: Logger
    private let linger: Duration
    private let tails: GridTails

    public init(
        redis: RedisClient, metrics: ServerMetrics? = nil, linger: Duration = .seconds(10), tailConnections: Int = 8, logger: Logger
    ) {
        self.redis = redis
        self.metrics = metrics
        self.linger = linger
        self.logger = logger
        self.tails = GridTails(redis: redis, connections: tailConnections, metrics: metrics, logger: logger)
    }

    /// The hub for `grid`, created and prepared on first use.
    public func hub(for grid: String) async throws -> GridHub {
        if var existing = hubs[grid] {
            existing.handedOut = .now
            hubs[grid] = existing
            return try await existing.task.value
        }
        let redis = self.redis
        let logger = self.logger
        let metrics = self.metrics
        let tails = self.tails
        let task = Task {
            let hub = GridHub(grid: grid, redis: redis, metrics: metrics, logger: logger)
            await tails.add(hub, at: try await hub.prepare())
            return hub
        }
        hubs[grid] = Entry(task: task, handedOut: .now)
        do {
            return try await task.value
        } catch {
            hubs[grid] = nil
            throw error
        }
    }

    /// How many grids this server tails now.
    public var count: Int { hubs.count }

    /// The grids this server has hubs for (sessions now, or within the linger).
    public var grids: [String] { Array(hubs.keys) }

    /// Every session connected to this server now, over all grids.
    public func liveSessions() async -> Set<String> {
        var live: Set<String> = []
        for entry in hubs.values {
            if let hub = try? await entry.task.value { live.formUnion(await hub.sessionIDs) }
        }
        return live
    }

    /// Removes the hubs that have had no session for `linger`, ending their tails.
    func sweep(now: ContinuousClock.Instant = .now) async {
        var candidates: [String] = []
        for (grid, entry) in hubs {
            guard let hub = try? await entry.task.value else { continue }
            let empty = await hub.sessionCount == 0
            // Read again: the awaits above let logins in.
            guard var current = hubs[grid], current.task == entry.task else { continue }
            current.idleSince = empty ? (current.idleSince ?? now) : nil
            hubs[grid] = current
            if let idle = current.idleSince, now - max(idle, current.handedOut) >= linger { candidates.append(grid) }
        }
        var retired: [GridHub] = []
        for grid in candidates {
            // No await since the check: a login in between would have moved `handedOut`.
            guard let entry = hubs[grid], let idle = entry.idleSince, now - max(idle, entry.handedOut) >= linger else { continue }
            hubs[grid] = nil
            if let hub = try? await entry.task.value { retired.append(hub) }
        }
        for hub in retired { await tails.remove(hub) }
    }

    public func run() async throws {
        let sweepInterval = max(min(linger, .seconds(1)), .milliseconds(50))
        let tails = self.tails
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await tails.run() }
                while !Task.isCancelled {
                    try? await Task.sleep(for: sweepInterval)
                    await self.sweep()
                }
                group.cancelAll()
            }
        }
    }
}
