import RedisClient
import Shared

extension GridStore {
    /// Takes or renews the grid's persister lease; true if `holder` holds it.
    func takeLease(grid: String, holder: String, milliseconds: Int) async throws -> Bool {
        try await GridSchema.Scripts.lease.run(redis, keys: [GridSchema(grid: grid).persisterLease], args: [holder, String(milliseconds)]).int == 1
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

    /// New entries for the persister, waiting up to half a second for them, on `connection`: a
    /// blocking read must not hold a pooled connection.
    func readNew(grid: String, count: Int, on connection: RedisEventLoopConnection) async throws -> [GridEvent] {
        Self.events(try await connection.command([
            "XREADGROUP", "GROUP", GridSchema.persistGroup, GridSchema.persistConsumer, "COUNT", String(count), "BLOCK", "500",
            "STREAMS", GridSchema(grid: grid).log, ">",
        ], timeout: .seconds(5)))
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
