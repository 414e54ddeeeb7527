import Foundation
import Logging
import MySQLClient
import RedisClient
import Shared

/// Finds sessions whose server is gone and ends them with an error, in presence and in the log
/// (so MySQL marks them `error` too). A server is gone when its heartbeat key has expired.
public struct SessionReaper: Sendable {
    let store: GridStore
    let mysql: MySQLClient
    let logger: Logger

    public init(redis: RedisClient, mysql: MySQLClient, logger: Logger) {
        self.store = GridStore(redis: redis)
        self.mysql = mysql
        self.logger = logger
    }

    /// The key lives in `GridSchema`; this name is what the heartbeat and start-up code use.
    public static func heartbeatKey(_ server: String) -> String { GridSchema.heartbeat(server: server) }

    /// How far back a grid's last use (`GridSchema.lastUsed`) may lie for it to have sessions:
    /// every server refreshes its grids' with each heartbeat, so a grid that has sessions, or
    /// had them on a server that died since, was touched well within this.
    public static let recentUseMilliseconds: Int64 = 120_000

    /// Every online session, by grid, as presence holds it, over the grids used recently: the
    /// reaper's work follows the grids with sessions, not the grids that exist.
    public func onlineSessions() async throws -> [(grid: String, presence: UserPresence)] {
        let since = WallClock.nowMilliseconds() - Self.recentUseMilliseconds
        let byGrid = try await store.presence(grids: try await store.recentlyUsedGrids(since: since))
        return byGrid.keys.sorted().flatMap { grid in byGrid[grid, default: []].map { (grid, $0) } }
    }

    /// Servers that have online sessions but no live heartbeat. `online`: `onlineSessions()`,
    /// when the caller has read it already this round.
    public func serversWithoutHeartbeat(
        except me: String, online: [(grid: String, presence: UserPresence)]? = nil
    ) async throws -> Set<String> {
        var dead: Set<String> = []
        let sessions = if let online { online } else { try await onlineSessions() }
        for server in Set(sessions.map(\.presence.server)) where server != me {
            if try await !store.isAlive(server: server) { dead.insert(server) }
        }
        return dead
    }

    /// This server's sessions that presence still lists but that are no longer connected: they
    /// ended while Redis was unreachable, so their presence could not be removed then.
    public func staleSessions(
        of server: String, live: Set<String>, online: [(grid: String, presence: UserPresence)]? = nil
    ) async throws -> [(grid: String, session: String)] {
        let sessions = if let online { online } else { try await onlineSessions() }
        return sessions.filter { $0.presence.server == server && !live.contains($0.presence.session) }.map { ($0.grid, $0.presence.session) }
    }

    public func endStale(_ sessions: [(grid: String, session: String)]) async throws {
        for (grid, session) in sessions {
            _ = try await fail(grid: grid, session: session, reason: "session ended while Redis was unavailable")
        }
    }

    /// Ends every online session of the given servers.
    @discardableResult
    public func reap(servers: Set<String>) async throws -> Int {
        var failed = 0
        for (grid, presence) in try await onlineSessions() where servers.contains(presence.server) {
            failed += try await fail(grid: grid, session: presence.session, reason: "server \(presence.server) stopped responding")
        }
        if failed > 0 { logger.warning("ended sessions of dead servers", metadata: ["sessions": "\(failed)", "servers": "\(servers.sorted())"]) }
        return failed
    }

    /// Ends every session recorded for `server` (its own restart, or the admin command), in Redis
    /// and, for rows Redis no longer knows about, directly in MySQL.
    @discardableResult
    public func failSessions(ofServer server: String, reason: String) async throws -> Int {
        var failed = 0
        for (grid, presence) in try await onlineSessions() where presence.server == server {
            failed += try await fail(grid: grid, session: presence.session, reason: reason)
        }
        do {
            let result = try await mysql.execute(
                "UPDATE sessions SET status = 'error', error = COALESCE(error, ?), closed_at = COALESCE(closed_at, ?) WHERE server = ? AND status = 'open'",
                [.text(reason), .int(WallClock.nowMilliseconds()), .text(server)]
            )
            failed += Int(result.affectedRows)
        } catch {
            logger.warning("could not mark open sessions in MySQL", metadata: ["server": "\(server)", "error": "\(error)"])
        }
        return failed
    }

    private func fail(grid: String, session: String, reason: String) async throws -> Int {
        try await store.failSession(grid: grid, session: session, reason: reason) ? 1 : 0
    }
}
