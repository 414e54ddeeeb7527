import RedisClient
import Shared

extension GridStore {
    /// What the rebuild needs to know of the grid's Redis state.
    struct Readiness: Sendable {
        /// The ready marker is set: Redis holds the grid's whole state.
        var ready: Bool
        /// The watermark Redis last recorded.
        var durable: Version
    }

    /// Everything the rebuild writes into Redis for one grid.
    struct Restore: Sendable {
        var cells: [String: CellState] = [:]
        /// Cells whose contested mark is removed (set again below if MySQL says so).
        var uncontested: [String] = []
        var contested: [String: Version] = [:]
        /// Recent op outcomes, so that resends are still answered from Redis.
        var outcomes: [(op: String, outcome: SequencerOutcome)] = []
        var first: Version?
        var durable: Version
    }

    func readiness(grid: String) async throws -> Readiness {
        let keys = GridSchema(grid: grid)
        let replies = try await redis.pipeline([["EXISTS", keys.ready], ["GET", keys.durable]])
        return Readiness(ready: replies[0].int == 1, durable: replies[1].string.flatMap { Version($0) } ?? .zero)
    }

    /// Whether the log still holds the entry `version`.
    func logHolds(grid: String, _ version: Version) async throws -> Bool {
        !(try await redis.command(["XRANGE", GridSchema(grid: grid).log, version.description, version.description]).array ?? []).isEmpty
    }

    func newestLogEntry(grid: String) async throws -> Version? {
        Self.firstID(try await redis.command(["XREVRANGE", GridSchema(grid: grid).log, "+", "-", "COUNT", "1"]))
    }

    /// Takes the rebuild lock, waiting while another server holds it.
    func lockRebuild(grid: String) async throws {
        while try await redis.command(["SET", GridSchema(grid: grid).rebuildLock, "1", "NX", "PX", "30000"]).isNull {
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    func unlockRebuild(grid: String) async throws {
        _ = try await redis.command(["DEL", GridSchema(grid: grid).rebuildLock])
    }

    /// Sets or removes the ready marker: without it the sequencer refuses edits.
    func setReady(grid: String, _ ready: Bool) async throws {
        let key = GridSchema(grid: grid).ready
        _ = try await redis.command(ready ? ["SET", key, "1"] : ["DEL", key])
    }

    /// The version of every cell Redis holds.
    func cellVersions(grid: String) async throws -> [String: Version] {
        var versions: [String: Version] = [:]
        Self.forEachPair(try await redis.command(["HGETALL", GridSchema(grid: grid).cells])) { cell, record in
            versions[cell] = GridSchema.CellRecord.decode(record)?.version
        }
        return versions
    }

    /// Writes a rebuilt state; outcomes Redis still knows stay as they are. The log's next ids
    /// and the persisters' group start after `restore.durable`.
    func restore(grid: String, _ restore: Restore) async throws {
        let keys = GridSchema(grid: grid)
        var commands: [[String]] = []
        for (cell, state) in restore.cells { commands.append(["HSET", keys.cells, cell, GridSchema.CellRecord.encode(state)]) }
        for cell in restore.uncontested { commands.append(["HDEL", keys.contested, cell]) }
        for (cell, id) in restore.contested { commands.append(["HSET", keys.contested, cell, id.description]) }
        for (op, outcome) in restore.outcomes {
            commands.append(["HSETNX", keys.ops, op, GridSchema.OutcomeRecord.encode(outcome)])
            // NX: an op Redis still knows keeps its place in the trimming order.
            commands.append(["ZADD", keys.opsByVersion, "NX", GridSchema.opScore(outcome.version), op])
        }
        if let first = restore.first { commands.append(["SET", keys.first, first.description]) }
        commands.append(["SET", keys.durable, restore.durable.description])
        for start in stride(from: 0, to: commands.count, by: 10_000) {
            _ = try await redis.pipeline(Array(commands[start..<min(commands.count, start + 10_000)]))
        }
        try await createPersistGroup(grid: grid, after: restore.durable)
        if (try await newestLogEntry(grid: grid) ?? .zero) < restore.durable {
            _ = try await redis.command(["XSETID", keys.log, restore.durable.description])
        }
    }

    /// Tells every server that the grid's cells were restored from MySQL.
    func announceRestore(grid: String) async throws {
        _ = try await GridSchema.Scripts.announceRestore.run(redis, keys: [GridSchema(grid: grid).ephemeral], args: [])
    }
}
