import Foundation
import Logging
import MySQLClient
import RedisClient
import Shared

/// Finds sessions whose server is gone and ends them with an error, in presence and in the log
/// (so MySQL marks them `error` too). A server is gone when its heartbeat key has expired.
public struct SessionReaper: Sendable {
    let redis: RedisClient
    let mysql: MySQLClient
    let logger: Logger

    public init(redis: RedisClient, mysql: MySQLClient, logger: Logger) {
        self.redis = redis
        self.mysql = mysql
        self.logger = logger
    }

    public static func heartbeatKey(_ server: String) -> String { "server:{\(server)}:heartbeat" }

    /// Every online session, by grid, as presence holds it.
    public func onlineSessions() async throws -> [(grid: String, presence: UserPresence)] {
        let grids = try await redis.command(["SMEMBERS", RedisKeys.grids]).array?.compactMap(\.string) ?? []
        var result: [(String, UserPresence)] = []
        let decoder = JSONDecoder()
        for grid in grids.sorted() {
            let hash = try await redis.command(["HGETALL", RedisKeys(grid: grid).presence])
            GridStore.forEachPair(hash) { _, json in
                if let presence = try? decoder.decode(UserPresence.self, from: Data(json.utf8)) { result.append((grid, presence)) }
            }
        }
        return result
    }

    /// Servers that have online sessions but no live heartbeat.
    public func serversWithoutHeartbeat(except me: String) async throws -> Set<String> {
        var dead: Set<String> = []
        for server in Set(try await onlineSessions().map(\.presence.server)) where server != me {
            if try await redis.command(["EXISTS", Self.heartbeatKey(server)]).int == 0 { dead.insert(server) }
        }
        return dead
    }

    /// This server's sessions that presence still lists but that are no longer connected: they
    /// ended while Redis was unreachable, so their presence could not be removed then.
    public func staleSessions(of server: String, live: Set<String>) async throws -> [(grid: String, session: String)] {
        try await onlineSessions().filter { $0.presence.server == server && !live.contains($0.presence.session) }
            .map { ($0.grid, $0.presence.session) }
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
        let keys = RedisKeys(grid: grid)
        let reply = try await GridScripts.failSession.run(
            redis, keys: [keys.presence, keys.log, keys.first, keys.ephemeral], args: [session, reason, String(WallClock.nowMilliseconds())]
        )
        return Int(reply.int ?? 0)
    }
}
