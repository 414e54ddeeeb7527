import Logging
import MySQLClient
import RedisClient
import Shared

/// Makes sure Redis holds a grid's state before anyone edits it. When Redis came back empty or
/// behind MySQL (a restart that lost its last writes), it rebuilds the cells, the contested
/// marks, recent op outcomes and the stream position from MySQL. Until then the sequencer
/// refuses edits (`ready` marker absent), so no edit is decided against a state that lost data.
public struct GridRebuilder: Sendable {
    let store: GridStore
    let mysql: MySQLClient
    let logger: Logger
    /// Op outcomes restored for resends: clients drop an edit once durable, so only ops within
    /// the ops grace period can come back without a `resend` mark (older resends ask MySQL).
    var recentOpsMilliseconds = ServerConfiguration.PersisterConfiguration().opsGraceMilliseconds

    public init(redis: RedisClient, mysql: MySQLClient, logger: Logger) {
        self.store = GridStore(redis: redis)
        self.mysql = mysql
        self.logger = logger
    }

    /// Checks, at every login, that Redis is not missing anything MySQL holds; rebuilds if it is.
    public func ensure(grid: String) async throws {
        if try await isCurrent(grid: grid) { return }
        try await store.lockRebuild(grid: grid)
        defer { Task { [store] in try? await store.unlockRebuild(grid: grid) } }
        if try await isCurrent(grid: grid) { return }
        // Edits wait (the sequencer answers "not ready") until the state is whole again.
        try await store.setReady(grid: grid, false)
        try await rebuild(grid: grid)
    }

    /// Redis holds the grid (ready marker) and has everything MySQL holds. Its log's newest entry
    /// is not enough to tell: entries appended after a restart that lost the last second of
    /// writes are newer than the lost ones. Redis's own `durable` key is: it is set only after
    /// MySQL committed, so a restart that lost writes MySQL has also left it behind.
    private func isCurrent(grid: String) async throws -> Bool {
        let readiness = try await store.readiness(grid: grid)
        guard readiness.ready else { return false }
        guard let watermark = try await self.watermark(grid: grid) else { return true }
        if readiness.durable >= watermark { return true }
        // Redis's durable key trails MySQL by one commit while a persister announces it, which
        // a login storm hits constantly. Redis losing writes loses a suffix of its log, so still
        // holding the entry MySQL's watermark names means it lost nothing up to it.
        return try await store.logHolds(grid: grid, watermark)
    }

    private func watermark(grid: String) async throws -> Version? {
        try await mysql.query("SELECT version FROM watermarks WHERE grid = ?", [.text(grid)]).first?["version"].string.flatMap { Version($0) }
    }

    private func rebuild(grid: String) async throws {
        let watermark = try await self.watermark(grid: grid)
        let newest = try await store.newestLogEntry(grid: grid)
        guard let watermark else {
            try await store.setReady(grid: grid, true)
            return
        }
        logger.warning("Redis lost grid state; rebuilding from MySQL", metadata: ["grid": "\(grid)", "mysql": "\(watermark)", "redis": "\(newest?.description ?? "empty")"])
        let cells = try await mysql.query("SELECT cell, value, version, user_name, at_ms FROM cells WHERE grid = ?", [.text(grid)])
        // Each cell's last event, single-cell (`ops`) or one cell of a multi-cell edit (`op_cells`).
        let cellEvents = """
            SELECT cell, id_ms, id_seq, kind FROM ops WHERE grid = ? AND kind IN ('set', 'clear', 'conflict', 'resolve')
            UNION ALL SELECT cell, id_ms, id_seq, kind FROM op_cells WHERE grid = ?
            """
        let contested = try await mysql.query(
            """
            SELECT o.cell, o.id_ms, o.id_seq, o.kind FROM (\(cellEvents)) o
            JOIN (SELECT cell, MAX(CONCAT(LPAD(id_ms, 20, '0'), LPAD(id_seq, 20, '0'))) AS k FROM (\(cellEvents)) e GROUP BY cell) last
              ON o.cell = last.cell AND CONCAT(LPAD(o.id_ms, 20, '0'), LPAD(o.id_seq, 20, '0')) = last.k
            WHERE o.kind = 'conflict'
            """,
            [.text(grid), .text(grid), .text(grid), .text(grid)]
        )
        let ops = try await mysql.query(
            "SELECT \(StoredOutcomes.columns) FROM ops WHERE grid = ? AND op_id IS NOT NULL AND at_ms > ?",
            [.text(grid), .int(WallClock.nowMilliseconds() - recentOpsMilliseconds)]
        )
        let first = try await mysql.query("SELECT id_ms, id_seq FROM ops WHERE grid = ? ORDER BY id_ms, id_seq LIMIT 1", [.text(grid)]).first

        // Merge, never roll back: a cell Redis holds at a newer version than MySQL (written after
        // the restart, or not yet persisted) keeps its Redis state.
        let inRedis = try await store.cellVersions(grid: grid)
        var restore = GridStore.Restore(durable: watermark)
        for row in cells {
            guard let cell = row["cell"].string, let stored = row["version"].string.flatMap({ Version($0) }) else { continue }
            if let current = inRedis[cell], current >= stored { continue }
            restore.cells[cell] = CellState(
                value: row["value"].string, version: stored, user: row["user_name"].string ?? "", at: row["at_ms"].int ?? 0
            )
        }
        // A rebuilt cell is contested exactly when MySQL's last event for it is a conflict.
        restore.uncontested = Array(restore.cells.keys)
        for row in contested {
            guard let cell = row["cell"].string, restore.cells[cell] != nil || inRedis[cell] == nil,
                let ms = row["id_ms"].int, let seq = row["id_seq"].int
            else { continue }
            restore.contested[cell] = Version(milliseconds: UInt64(ms), sequence: UInt64(seq))
        }
        restore.outcomes = try await StoredOutcomes(mysql: mysql).outcomes(ops, grid: grid)
        if let first, let ms = first["id_ms"].int, let seq = first["id_seq"].int {
            restore.first = Version(milliseconds: UInt64(ms), sequence: UInt64(seq))
        }
        try await store.restore(grid: grid, restore)
        try await store.setReady(grid: grid, true)
        if !restore.cells.isEmpty {
            // Sessions logged in before the restore hold cells it changed without an event.
            try await store.announceRestore(grid: grid)
        }
        logger.info("grid rebuilt from MySQL", metadata: ["grid": "\(grid)", "cells": "\(cells.count)", "contested": "\(contested.count)"])
    }
}
