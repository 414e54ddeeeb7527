import Logging
import MySQLClient
import RedisClient
import Shared

/// The operator's manual path for sessions: list them, and fail every session of a server.
public enum AdminCommands {
    public static func listSessions(mysqlURL: String, grid: String?, status: String?, logger: Logger) async throws -> [String] {
        let mysql = MySQLClient(configuration: try MySQLConfiguration(url: mysqlURL), logger: logger)
        return try await closing(mysql: mysql) {
            try await sessionLines(mysql, grid: grid, status: status)
        }
    }

    private static func sessionLines(_ mysql: MySQLClient, grid: String?, status: String?) async throws -> [String] {
        try await mysql.migrate(Schema.migrations)
        var sql = "SELECT id, grid, user_name, server, status, opened_at, closed_at, error FROM sessions WHERE 1 = 1"
        var params: [MySQLValue] = []
        if let grid {
            sql += " AND grid = ?"
            params.append(.text(grid))
        }
        if let status {
            sql += " AND status = ?"
            params.append(.text(status))
        }
        sql += " ORDER BY COALESCE(opened_at, closed_at), id"
        let rows = try await mysql.query(sql, params)
        var lines = ["SESSION\tGRID\tUSER\tSERVER\tSTATUS\tOPENED\tENDED\tERROR"]
        for row in rows {
            lines.append([
                "id", "grid", "user_name", "server", "status", "opened_at", "closed_at", "error",
            ].map { row[$0].string ?? "-" }.joined(separator: "\t"))
        }
        return lines
    }

    /// Marks every session of `server` as `error`, in presence, in the log and in MySQL.
    public static func failSessions(server: String, redisURL: String, mysqlURL: String, logger: Logger) async throws -> Int {
        let redis = RedisClient(configuration: try RedisConfiguration(url: redisURL), logger: logger)
        let mysql = MySQLClient(configuration: try MySQLConfiguration(url: mysqlURL), logger: logger)
        return try await closing(redis: redis, mysql: mysql) {
            try await mysql.migrate(Schema.migrations)
            return try await SessionReaper(redis: redis, mysql: mysql, logger: logger)
                .failSessions(ofServer: server, reason: "failed by an operator (grid-server sessions fail)")
        }
    }

    /// Runs `body`, then shuts the clients down whether or not it threw: a one-shot command has
    /// no service group to do it.
    private static func closing<T>(redis: RedisClient? = nil, mysql: MySQLClient, _ body: () async throws -> T) async throws -> T {
        let result: Result<T, any Error>
        do {
            result = .success(try await body())
        } catch {
            result = .failure(error)
        }
        await redis?.shutdown()
        await mysql.shutdown()
        return try result.get()
    }
}
