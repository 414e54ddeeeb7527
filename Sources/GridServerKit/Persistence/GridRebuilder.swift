import Logging
import MySQLClient
import RedisClient
import Shared

/// Makes sure Redis holds a grid's state before anyone edits it. When Redis came back empty or
/// behind MySQL (a restart that lost its last writes), it rebuilds the cells, the contested
/// marks, recent op outcomes and the stream position from MySQL. Until then the sequencer
/// refuses edits (`ready` marker absent), so no edit is decided against a state that lost data.
public struct GridRebuilder: Sendable {
    let redis: RedisClient
    let mysql: MySQLClient
    let logger: Logger
    /// Op outcomes restored for resends: clients drop an edit once durable, so only recent ops
    /// can come back.
    var recentOpsMilliseconds: Int64 = 3_600_000

    public init(redis: RedisClient, mysql: MySQLClient, logger: Logger) {
        self.redis = redis
        self.mysql = mysql
        self.logger = logger
    }

    public static func readyKey(_ grid: String) -> String { "grid:{\(grid)}:ready" }

    /// Checks, at every login, that Redis is not missing anything MySQL holds; rebuilds if it is.
    public func ensure(grid: String) async throws {
        if try await isCurrent(grid: grid) { return }
        let lock = "grid:{\(grid)}:rebuild"
        while try await redis.command(["SET", lock, "1", "NX", "PX", "30000"]).isNull {
            try await Task.sleep(for: .milliseconds(50))
        }
        defer { Task { _ = try? await redis.command(["DEL", lock]) } }
        if try await isCurrent(grid: grid) { return }
        // Edits wait (the sequencer answers "not ready") until the state is whole again.
        _ = try await redis.command(["DEL", Self.readyKey(grid)])
        try await rebuild(grid: grid)
    }

    /// Redis holds the grid (ready marker) and has everything MySQL holds. Its log's newest entry
    /// is not enough to tell: entries appended after a restart that lost the last second of
    /// writes are newer than the lost ones. Redis's own `durable` key is: it is set only after
    /// MySQL committed, so a restart that lost writes MySQL has also left it behind.
    private func isCurrent(grid: String) async throws -> Bool {
        let keys = RedisKeys(grid: grid)
        let replies = try await redis.pipeline([["EXISTS", Self.readyKey(grid)], ["GET", keys.durable]])
        guard replies[0].int == 1 else { return false }
        let durable = replies[1].string.flatMap { Version($0) } ?? .zero
        guard let watermark = try await self.watermark(grid: grid) else { return true }
        if durable >= watermark { return true }
        // Redis's durable key trails MySQL by one commit while a persister announces it, which
        // a login storm hits constantly. Redis losing writes loses a suffix of its log, so still
        // holding the entry MySQL's watermark names means it lost nothing up to it.
        let held = try await redis.command(["XRANGE", keys.log, watermark.description, watermark.description])
        return !(held.array ?? []).isEmpty
    }

    private func watermark(grid: String) async throws -> Version? {
        try await mysql.query("SELECT version FROM watermarks WHERE grid = ?", [.text(grid)]).first?["version"].string.flatMap { Version($0) }
    }

    private func rebuild(grid: String) async throws {
        let keys = RedisKeys(grid: grid)
        let watermark = try await self.watermark(grid: grid)
        let newest = try await redis.command(["XREVRANGE", keys.log, "+", "-", "COUNT", "1"]).array?.first?.array?.first?.string.flatMap { Version($0) }
        guard let watermark else {
            _ = try await redis.command(["SET", Self.readyKey(grid), "1"])
            return
        }
        logger.warning("Redis lost grid state; rebuilding from MySQL", metadata: ["grid": "\(grid)", "mysql": "\(watermark)", "redis": "\(newest?.description ?? "empty")"])
        let cells = try await mysql.query("SELECT cell, value, version, user_name, at_ms FROM cells WHERE grid = ?", [.text(grid)])
        let contested = try await mysql.query(
            """
            SELECT o.cell, o.id_ms, o.id_seq, o.kind FROM ops o
            JOIN (SELECT cell, MAX(CONCAT(LPAD(id_ms, 20, '0'), LPAD(id_seq, 20, '0'))) AS k FROM ops
                  WHERE grid = ? AND kind IN ('set', 'clear', 'conflict', 'resolve') GROUP BY cell) last
              ON o.cell = last.cell AND CONCAT(LPAD(o.id_ms, 20, '0'), LPAD(o.id_seq, 20, '0')) = last.k
            WHERE o.grid = ? AND o.kind = 'conflict'
            """,
            [.text(grid), .text(grid)]
        )
        let ops = try await mysql.query(
            """
            SELECT op_id, kind, id_ms, id_seq, winner_version, winner_at, winner_user, winner_kind, winner_value FROM ops
            WHERE grid = ? AND op_id IS NOT NULL AND at_ms > ?
            """,
            [.text(grid), .int(WallClock.nowMilliseconds() - recentOpsMilliseconds)]
        )
        let first = try await mysql.query("SELECT id_ms, id_seq FROM ops WHERE grid = ? ORDER BY id_ms, id_seq LIMIT 1", [.text(grid)]).first

        // Merge, never roll back: a cell Redis holds at a newer version than MySQL (written after
        // the restart, or not yet persisted) keeps its Redis state.
        var inRedis: [String: Version] = [:]
        GridStore.forEachPair(try await redis.command(["HGETALL", keys.cells])) { cell, record in
            inRedis[cell] = LogEntry.cellState(record)?.version
        }
        var commands: [[String]] = []
        var rebuilt: Set<String> = []
        for row in cells {
            guard let cell = row["cell"].string, let version = row["version"].string, let stored = Version(version) else { continue }
            if let current = inRedis[cell], current >= stored { continue }
            rebuilt.insert(cell)
            let value = row["value"].string
            let record = [version, row["at_ms"].string ?? "0", row["user_name"].string ?? "", value == nil ? "c" : "s", value ?? ""].joined(separator: "\t")
            commands.append(["HSET", keys.cells, cell, record])
        }
        // A rebuilt cell is contested exactly when MySQL's last event for it is a conflict.
        for cell in rebuilt { commands.append(["HDEL", keys.contested, cell]) }
        for row in contested {
            guard let cell = row["cell"].string, rebuilt.contains(cell) || inRedis[cell] == nil,
                let ms = row["id_ms"].int, let seq = row["id_seq"].int
            else { continue }
            commands.append(["HSET", keys.contested, cell, "\(ms)-\(seq)"])
        }
        for row in ops {
            guard let op = row["op_id"].string, let ms = row["id_ms"].int, let seq = row["id_seq"].int else { continue }
            let outcome: String
            if row["kind"].string == "conflict" {
                outcome = ["c", "\(ms)-\(seq)", row["winner_version"].string ?? "0-0", row["winner_at"].string ?? "0",
                           row["winner_user"].string ?? "", row["winner_kind"].string ?? "c", row["winner_value"].string ?? ""].joined(separator: "\t")
            } else {
                outcome = "a\t\(ms)-\(seq)"
            }
            // Outcomes Redis still knows stay as they are.
            commands.append(["HSETNX", keys.ops, op, outcome])
        }
        if let first, let ms = first["id_ms"].int, let seq = first["id_seq"].int {
            commands.append(["SET", keys.first, "\(ms)-\(seq)"])
        }
        commands.append(["SET", keys.durable, watermark.description])
        _ = try await redis.pipeline(commands)
        // New entries must sort after everything MySQL holds; the group starts after it too.
        do {
            _ = try await redis.command(["XGROUP", "CREATE", keys.log, RedisKeys.persistGroup, watermark.description, "MKSTREAM"])
        } catch let error as RedisError where error.message.hasPrefix("BUSYGROUP") {}
        if (newest ?? .zero) < watermark {
            _ = try await redis.command(["XSETID", keys.log, watermark.description])
        }
        _ = try await redis.command(["SET", Self.readyKey(grid), "1"])
        if !rebuilt.isEmpty {
            // Sessions logged in before the restore hold cells it changed without an event.
            _ = try await GridScripts.announceRestore.run(redis, keys: [keys.ephemeral], args: [])
        }
        logger.info("grid rebuilt from MySQL", metadata: ["grid": "\(grid)", "cells": "\(cells.count)", "contested": "\(contested.count)"])
    }
}
