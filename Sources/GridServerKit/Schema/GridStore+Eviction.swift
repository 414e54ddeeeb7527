import RedisClient
import Shared

extension GridStore {
    /// Grids no session used since `before` (wall-clock ms), oldest first, at most `limit`.
    func idleGrids(before: Int64, limit: Int) async throws -> [String] {
        try await redis.command([
            "ZRANGEBYSCORE", GridSchema.lastUsed, "-inf", "(\(before)", "LIMIT", "0", String(limit),
        ]).array?.compactMap(\.string) ?? []
    }

    /// Drops a grid from Redis if it is still idle and wholly in MySQL (`Scripts.evict`), then
    /// takes it out of the indexes. True if dropped.
    func evict(grid: String) async throws -> Bool {
        let dropped = try await GridSchema.Scripts.evict.run(redis, keys: GridSchema(grid: grid).allKeys, args: []).int == 1
        guard dropped else { return false }
        // The mark goes only after the keys: an append in between re-creates the log, and the
        // next login rebuilds around it, as after any Redis loss.
        _ = try await redis.pipeline([["ZREM", GridSchema.lastUsed, grid], ["ZREM", GridSchema.dirty, grid]])
        return true
    }

    /// Takes or renews the lease that lets one server at a time run idle eviction.
    func takeEvictionLease(holder: String, milliseconds: Int) async throws -> Bool {
        try await GridSchema.Scripts.lease.run(redis, keys: [GridSchema.evictionLease], args: [holder, String(milliseconds)]).int ?? 0 >= 1
    }
}
