import Foundation
import MySQLClient
import RedisClient

/// Creates many small grids fast, straight into MySQL and Redis: grid `<prefix>-<i>` gets one
/// edit (A1 = "v<i>"), durable and persisted, in the layout `GridSeeder` writes for one grid.
/// Rows go in a thousand grids per statement and Redis commands in pipelines of a thousand
/// grids, so 100,000 grids take seconds, not the hours their logins would.
public struct ManyGridsSeeder: Sendable {
    public let redis: RedisClient
    public let mysql: MySQLClient
    public var gridsPerBatch = 1000
    /// When the seeded grids were last used (ms): long enough ago that the reaper does not look
    /// at them, recent enough that idle eviction leaves them (the default keeps them an hour).
    public var lastUsedMilliseconds = Int64(Date().timeIntervalSince1970 * 1000) - 10 * 60_000

    public init(redis: RedisClient, mysql: MySQLClient) {
        self.redis = redis
        self.mysql = mysql
    }

    public static func name(prefix: String, _ index: Int) -> String { "\(prefix)-\(index)" }

    /// Seeds grids `first ..< first + count`; `progress` is called after each batch with the grids done.
    public func seed(prefix: String, first: Int = 0, count: Int, progress: @Sendable (Int) -> Void = { _ in }) async throws {
        for start in stride(from: first, to: first + count, by: gridsPerBatch) {
            let plans = (start..<min(first + count, start + gridsPerBatch)).map { index in
                GridSeeder.Plan(grid: Self.name(prefix: prefix, index), cells: 1, history: 1)
            }
            try await seedMySQL(plans)
            try await seedRedis(plans)
            progress(start + plans.count - first)
        }
    }

    private func seedMySQL(_ plans: [GridSeeder.Plan]) async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try await mysql.withConnection { connection in
            try connection.transaction { connection in
                try connection.execute(GridSeeder.Plan.insertOps(rows: plans.count), plans.flatMap { $0.opRow(0) })
                try connection.execute(GridSeeder.Plan.insertCells(rows: plans.count), plans.flatMap { $0.cellRow(0) })
                try connection.execute(
                    "INSERT INTO watermarks (grid, version, ver_key, updated_at) VALUES \(Array(repeating: "(?,?,?,?)", count: plans.count).joined(separator: ","))",
                    plans.flatMap { plan -> [MySQLValue] in [.text(plan.grid), .text(plan.version(0)), .text(plan.sortKey(0)), .int(now)] }
                )
            }
        }
    }

    private func seedRedis(_ plans: [GridSeeder.Plan]) async throws {
        var commands: [[String]] = []
        commands.reserveCapacity(plans.count * 6 + 1)
        var lastUsed = ["ZADD", "grids:{lastused}"]
        for plan in plans {
            commands.append(["HSET", "grid:{\(plan.grid)}:cells", plan.cell(0), plan.cellRecord(0)])
            commands.append(plan.logEntry(0))
            commands += plan.readyCommands()
            lastUsed += [String(lastUsedMilliseconds), plan.grid]
        }
        commands.append(lastUsed)
        let replies = try await redis.pipeline(commands)
        if let failed = replies.first(where: { $0.errorMessage != nil })?.errorMessage {
            throw BenchError("seeding Redis failed: \(failed)")
        }
    }
}
