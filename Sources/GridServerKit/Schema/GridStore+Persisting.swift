import RedisClient
import Shared

extension GridStore {
    enum LeaseResult { case refused, taken, renewed }

    /// Takes or renews the grid's persister lease.
    func takeLease(grid: String, holder: String, milliseconds: Int) async throws -> LeaseResult {
        switch try await GridSchema.Scripts.lease.run(redis, keys: [GridSchema(grid: grid).persisterLease], args: [holder, String(milliseconds)]).int {
        case 1: .taken
        case 2: .renewed
        default: .refused
        }
    }

    /// Creates the persisters' consumer group, reading from after `start`; no error if it exists.
    func createPersistGroup(grid: String, after start: Version = .zero) async throws {
        do {
            _ = try await redis.command(["XGROUP", "CREATE", GridSchema(grid: grid).log, GridSchema.persistGroup, start.description, "MKSTREAM"])
        } catch let error as RedisError where error.message.hasPrefix("BUSYGROUP") {
            return
        }
    }

    /// Entries delivered to the persister before and not yet acknowledged.
    func readPending(grid: String, count: Int) async throws -> [GridEvent] {
        Self.events(try await redis.command([
            "XREADGROUP", "GROUP", GridSchema.persistGroup, GridSchema.persistConsumer, "COUNT", String(count),
            "STREAMS", GridSchema(grid: grid).log, "0",
        ]))
    }

    /// New entries for the persister, without waiting: the dirty mark says when there are any,
    /// so no blocking read (and no connection of its own) is needed.
    func readNew(grid: String, count: Int) async throws -> [GridEvent] {
        Self.events(try await redis.command([
            "XREADGROUP", "GROUP", GridSchema.persistGroup, GridSchema.persistConsumer, "COUNT", String(count),
            "STREAMS", GridSchema(grid: grid).log, ">",
        ]))
    }

    /// Gives up the grid's lease if `holder` has it, so that the next mark is taken at once.
    func releaseLease(grid: String, holder: String) async throws {
        _ = try await GridSchema.Scripts.releaseLease.run(redis, keys: [GridSchema(grid: grid).persisterLease], args: [holder])
    }

    /// Grids whose mark is due by `now` (wall-clock ms), oldest first (newest first with
    /// `newestFirst`), at most `limit`.
    func dueGrids(now: Int64, limit: Int, newestFirst: Bool = false) async throws -> [String] {
        let command = newestFirst
            ? ["ZREVRANGEBYSCORE", GridSchema.dirty, String(now), "-inf", "LIMIT", "0", String(limit)]
            : ["ZRANGEBYSCORE", GridSchema.dirty, "-inf", String(now), "LIMIT", "0", String(limit)]
        return try await redis.command(command).array?.compactMap(\.string) ?? []
    }

    /// Sets when a persister should look at the grid again (`at`, wall-clock ms), or removes the
    /// mark (nil); then tells whether entries MySQL lacks arrived meanwhile. Setting first and
    /// checking second closes the race with an append: one appended before the check is seen
    /// here, and one appended after it marks the grid again behind this call.
    func settleMark(grid: String, nextAt at: Int64?) async throws -> Bool {
        let keys = GridSchema(grid: grid)
        let replies = try await redis.pipeline([
            at.map { ["ZADD", GridSchema.dirty, "XX", String($0), grid] } ?? ["ZREM", GridSchema.dirty, grid],
            ["XREVRANGE", keys.log, "+", "-", "COUNT", "1"],
            ["GET", keys.durable],
        ])
        let newest = Self.firstID(replies[1]) ?? .zero
        let durable = replies[2].string.flatMap { Version($0) } ?? .zero
        return newest > durable
    }

    /// Pushes the grid's mark `milliseconds` ahead while this server drains it, so other servers
    /// do not try its lease meanwhile; an append brings it back to now.
    func postponeMark(grid: String, by milliseconds: Int) async throws {
        _ = try await redis.command(["ZADD", GridSchema.dirty, "XX", "GT", String(WallClock.nowMilliseconds() + Int64(milliseconds)), grid])
    }

    func acknowledge(grid: String, _ ids: [Version]) async throws {
        _ = try await redis.command(["XACK", GridSchema(grid: grid).log, GridSchema.persistGroup] + ids.map(\.description))
    }

    /// Records and announces a durable watermark; false when this Redis lacks that entry.
    public func publishDurable(grid: String, _ version: Version) async throws -> Bool {
        let keys = GridSchema(grid: grid)
        return try await GridSchema.Scripts.publishDurable.run(
            redis, keys: [keys.log, keys.durable, keys.ephemeral], args: [version.description]
        ).int == 1
    }

    /// Trims the log below `version`, and the ephemeral stream below the same time (both ids are
    /// Redis's clock), so that an idle grid keeps neither a long tail of events nor of presence
    /// and durable announcements. Approximately: whole stream nodes only.
    func trimLog(grid: String, below version: Version) async throws {
        let keys = GridSchema(grid: grid)
        _ = try await redis.pipeline([
            ["XTRIM", keys.log, "MINID", "~", version.description],
            ["XTRIM", keys.ephemeral, "MINID", "~", String(version.milliseconds)],
        ])
    }

    /// Forgets the outcomes of ops up to `version`, a bounded number per call; with `dropLegacy`
    /// also the legacy op hash. Returns how many outcomes were removed.
    func trimOps(grid: String, below version: Version, dropLegacy: Bool, limit: Int = 1000) async throws -> Int {
        let keys = GridSchema(grid: grid)
        var removed = 0
        var dropLegacy = dropLegacy
        // A bounded number of rounds per call: the persister comes back after its next batch.
        for _ in 0..<100 {
            let count = Int(try await GridSchema.Scripts.trimOps.run(
                redis, keys: [keys.ops, keys.opsByVersion, keys.legacyOps], args: [GridSchema.opTrimBound(version), String(limit), dropLegacy ? "1" : "0"]
            ).int ?? 0)
            dropLegacy = false
            removed += count
            if count < limit { break }
        }
        return removed
    }

    /// Up to `limit` grids with entries MySQL may lack, for the persister's lag.
    func dirtyGrids(limit: Int) async throws -> [String] {
        try await dueGrids(now: WallClock.nowMilliseconds(), limit: limit)
    }

    /// The grid's newest log entry and its durable watermark, for the persister's lag.
    func newestAndDurable(grid: String) async throws -> (newest: Version?, durable: Version) {
        let keys = GridSchema(grid: grid)
        let replies = try await redis.pipeline([["XREVRANGE", keys.log, "+", "-", "COUNT", "1"], ["GET", keys.durable]])
        return (Self.firstID(replies[0]), replies[1].string.flatMap { Version($0) } ?? .zero)
    }

    /// The first entry id of an XRANGE/XREVRANGE reply.
    static func firstID(_ reply: RedisValue) -> Version? {
        reply.array?.first?.array?.first?.string.flatMap { Version($0) }
    }

    /// The entries of a one-stream XREAD/XREADGROUP reply.
    static func events(_ reply: RedisValue) -> [GridEvent] {
        (reply.array?.first?.array?.dropFirst().first?.array ?? []).compactMap(GridSchema.LogRecord.decode)
    }
}
