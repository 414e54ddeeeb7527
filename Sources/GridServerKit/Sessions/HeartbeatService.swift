import Logging
import RedisClient
import ServiceLifecycle

/// Keeps this server's heartbeat alive in Redis (`HeartbeatPulse`) and ends the sessions of
/// servers whose heartbeat expired, so a crashed server's users leave every screen without manual steps.
public struct HeartbeatService: Service {
    let serverID: String
    let redis: RedisClient
    let reaper: SessionReaper
    let hubs: GridHubs
    let interval: Duration
    let ttlMilliseconds: Int
    let logger: Logger

    public func run() async throws {
        let pulse = HeartbeatPulse(
            key: SessionReaper.heartbeatKey(serverID), ttlMilliseconds: ttlMilliseconds, interval: interval,
            redis: redis, logger: logger
        )
        pulse.start()
        // A server is reaped only when seen without a heartbeat twice in a row, so one that is
        // just starting (or re-announcing after Redis restarted empty) is never mistaken for dead.
        var suspects: Set<String> = []
        var staleSuspects: Set<String> = []
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                // The grids with sessions here stay recent, so reapers and idle eviction see them.
                try await GridStore(redis: redis).touchGrids(await hubs.grids)
                // Read once for both checks: it is one presence read per recently used grid.
                let online = try await reaper.onlineSessions()
                let dead = try await reaper.serversWithoutHeartbeat(except: serverID, online: online)
                let confirmed = dead.intersection(suspects)
                if !confirmed.isEmpty { try await reaper.reap(servers: confirmed) }
                suspects = dead.subtracting(confirmed)
                let stale = try await reaper.staleSessions(of: serverID, live: await hubs.liveSessions(), online: online)
                try await reaper.endStale(stale.filter { staleSuspects.contains($0.session) })
                staleSuspects = Set(stale.map(\.session))
            } catch {
                logger.debug("heartbeat skipped", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
        await pulse.stop()
        _ = try? await redis.command(["DEL", SessionReaper.heartbeatKey(serverID)])
    }
}
