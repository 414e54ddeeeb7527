import Logging
import RedisClient
import ServiceLifecycle

/// The grids this server has sessions for, each with its hub; runs every hub's tail as a
/// child of this service, so the tails stop with the service group.
public actor GridHubs: Service {
    private var hubs: [String: Task<GridHub, any Error>] = [:]
    private let redis: RedisClient
    private let metrics: ServerMetrics?
    private let logger: Logger
    private let started: AsyncStream<GridHub>
    private let startedContinuation: AsyncStream<GridHub>.Continuation

    public init(redis: RedisClient, metrics: ServerMetrics? = nil, logger: Logger) {
        self.redis = redis
        self.metrics = metrics
        self.logger = logger
        (started, startedContinuation) = AsyncStream.makeStream(of: GridHub.self)
    }

    /// The hub for `grid`, created and prepared on first use.
    public func hub(for grid: String) async throws -> GridHub {
        if let existing = hubs[grid] { return try await existing.value }
        let redis = self.redis
        let logger = self.logger
        let metrics = self.metrics
        let continuation = startedContinuation
        let task = Task {
            let hub = GridHub(grid: grid, redis: redis, metrics: metrics, logger: logger)
            try await hub.prepare()
            continuation.yield(hub)
            return hub
        }
        hubs[grid] = task
        do {
            return try await task.value
        } catch {
            hubs[grid] = nil
            throw error
        }
    }

    /// Every session connected to this server now, over all grids.
    public func liveSessions() async -> Set<String> {
        var live: Set<String> = []
        for task in hubs.values {
            if let hub = try? await task.value { live.formUnion(await hub.sessionIDs) }
        }
        return live
    }

    public func run() async throws {
        let started = self.started
        await withDiscardingTaskGroup { group in
            for await hub in started.cancelOnGracefulShutdown() {
                group.addTask { await hub.runTail() }
            }
            group.cancelAll()
        }
    }
}
