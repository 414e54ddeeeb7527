import Logging
import RedisClient
import ServiceLifecycle

/// Keeps this server's heartbeat alive in Redis and ends the sessions of servers whose
/// heartbeat expired, so a crashed server's users leave every screen without manual steps.
public struct HeartbeatService: Service {
    let serverID: String
    let redis: RedisClient
    let reaper: SessionReaper
    let hubs: GridHubs
    let interval: Duration
    let ttlMilliseconds: Int
    let logger: Logger

    public func run() async throws {
        // A server is reaped only when seen without a heartbeat twice in a row, so one that is
        // just starting (or re-announcing after Redis restarted empty) is never mistaken for dead.
        var suspects: Set<String> = []
        var staleSuspects: Set<String> = []
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                _ = try await redis.command(["SET", SessionReaper.heartbeatKey(serverID), "alive", "PX", String(ttlMilliseconds)])
                let dead = try await reaper.serversWithoutHeartbeat(except: serverID)
                let confirmed = dead.intersection(suspects)
                if !confirmed.isEmpty { try await reaper.reap(servers: confirmed) }
                suspects = dead.subtracting(confirmed)
                let stale = try await reaper.staleSessions(of: serverID, live: await hubs.liveSessions())
                try await reaper.endStale(stale.filter { staleSuspects.contains($0.session) })
                staleSuspects = Set(stale.map(\.session))
            } catch {
                logger.debug("heartbeat skipped", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
        _ = try? await redis.command(["DEL", SessionReaper.heartbeatKey(serverID)])
    }
}
