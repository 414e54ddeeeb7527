import RedisClient
import Shared

extension GridStore {
    /// The oldest `count` log entries after `after`.
    func logEntries(grid: String, after: Version, count: Int) async throws -> [GridEvent] {
        let reply = try await redis.command(["XRANGE", GridSchema(grid: grid).log, "(\(after)", "+", "COUNT", String(count)])
        return (reply.array ?? []).compactMap(GridSchema.LogRecord.decode)
    }

    /// The newest `count` log entries after `after` and before `before` (the newest if nil),
    /// newest first.
    func logEntriesNewestFirst(grid: String, before: Version?, after: Version, count: Int) async throws -> [GridEvent] {
        let reply = try await redis.command([
            "XREVRANGE", GridSchema(grid: grid).log, before.map { "(\($0)" } ?? "+", "(\(after)", "COUNT", String(count),
        ])
        return (reply.array ?? []).compactMap(GridSchema.LogRecord.decode)
    }
}
