import MySQLClient
import Shared

/// Writes batches of log events to MySQL inside one transaction. Every statement is idempotent
/// on the stream id (and on the op id), so a batch replayed after a crash stores nothing twice.
public enum EventWriter {
    /// One grid's entries, in log order.
    public struct GridBatch: Sendable {
        public var grid: String
        public var events: [GridEvent]

        public init(grid: String, events: [GridEvent]) {
            self.grid = grid
            self.events = events
        }
    }

    static let rowsPerStatement = 512
    private static let opColumns = 23
    private static let cellColumns = 14

    public static func write(_ events: [GridEvent], grid: String, on connection: MySQLConnection) throws {
        try write([GridBatch(grid: grid, events: events)], on: connection)
    }

    /// The batches of many grids in one transaction, with the same few multi-row statements as
    /// one grid's: every row names its grid, so the statements do not grow with the grids. Rows
    /// go in key order, so that two servers' transactions lock their rows in the same order.
    public static func write(_ batches: [GridBatch], on connection: MySQLConnection) throws {
        let batches = batches.filter { !$0.events.isEmpty }.sorted { $0.grid < $1.grid }
        guard !batches.isEmpty else { return }
        let rows = batches.flatMap { batch in batch.events.map { (grid: batch.grid, event: $0) } }
        try connection.transaction { connection in
            for range in StatementChunks.ranges(for: rows.count, maximum: rowsPerStatement) {
                try insertOps(rows[range], on: connection)
            }
            let cellRows = rows.flatMap { row in
                (row.event.cells ?? []).enumerated().map { (grid: row.grid, event: row.event, position: $0.offset, change: $0.element) }
            }
            for range in StatementChunks.ranges(for: cellRows.count, maximum: rowsPerStatement) {
                try insertOpCells(cellRows[range], on: connection)
            }
            try upsertCells(rows, on: connection)
            for row in rows {
                try SessionRecord(event: row.event, grid: row.grid)?.upsert(on: connection)
            }
            let marks = batches.map { (grid: $0.grid, last: $0.events.last!.id) }
            for range in StatementChunks.ranges(for: marks.count, maximum: rowsPerStatement) {
                try upsertWatermarks(marks[range], on: connection)
            }
        }
    }

    private static func insertOps(_ rows: ArraySlice<(grid: String, event: GridEvent)>, on connection: MySQLConnection) throws {
        let placeholders = "(" + Array(repeating: "?", count: opColumns).joined(separator: ",") + ")"
        let sql = """
            INSERT INTO ops (grid, id_ms, id_seq, kind, cell, value, old_value, base, user_name, session, server, op_id,
              at_ms, winner_version, winner_value, winner_user, winner_at, winner_kind, error, label, op_group, cell_count, cell_range)
            VALUES \(Array(repeating: placeholders, count: rows.count).joined(separator: ","))
            ON DUPLICATE KEY UPDATE grid = grid
            """
        var params: [MySQLValue] = []
        params.reserveCapacity(rows.count * opColumns)
        for (grid, event) in rows {
            params += [
                .text(grid), .int(Int64(event.id.milliseconds)), .int(Int64(event.id.sequence)), .text(event.kind.rawValue),
                text(event.cell), text(event.value), text(event.old), text(event.base?.description), text(event.user),
                text(event.session), text(event.server), text(event.op), .int(event.at),
                text(event.winner?.version.description), text(event.winner?.value), text(event.winner?.user),
                event.winner.map { .int($0.at) } ?? .null, event.winner.map { .text($0.value == nil ? "c" : "s") } ?? .null,
                text(event.error), text(event.label), text(event.group), event.count.map { .int(Int64($0)) } ?? .null,
                text(event.range),
            ]
        }
        try connection.execute(sql, params)
    }

    private static func insertOpCells(
        _ rows: ArraySlice<(grid: String, event: GridEvent, position: Int, change: CellChange)>, on connection: MySQLConnection
    ) throws {
        let placeholders = "(" + Array(repeating: "?", count: cellColumns).joined(separator: ",") + ")"
        let sql = """
            INSERT INTO op_cells (grid, id_ms, id_seq, position, cell, kind, value, old_value, base,
              winner_version, winner_value, winner_user, winner_at, winner_kind)
            VALUES \(Array(repeating: placeholders, count: rows.count).joined(separator: ","))
            ON DUPLICATE KEY UPDATE grid = grid
            """
        var params: [MySQLValue] = []
        params.reserveCapacity(rows.count * cellColumns)
        for (grid, event, position, change) in rows {
            let kind = event.kind == .multiConflict ? GridEvent.Kind.conflict : (change.value == nil ? .clear : .set)
            let winner = change.winner
            params += [
                .text(grid), .int(Int64(event.id.milliseconds)), .int(Int64(event.id.sequence)), .int(Int64(position)), .text(change.cell),
                .text(kind.rawValue), text(change.value), text(change.old), text(change.base?.description),
                text(winner?.version.description), text(winner?.value), text(winner?.user), winner.map { .int($0.at) } ?? .null,
                winner.map { .text($0.value == nil ? "c" : "s") } ?? .null,
            ]
        }
        try connection.execute(sql, params)
    }

    private struct CellKey: Hashable {
        var grid: String
        var cell: String
    }

    /// Only the last write of each cell in the batch matters; older versions never overwrite newer.
    private static func upsertCells(_ rows: [(grid: String, event: GridEvent)], on connection: MySQLConnection) throws {
        var latest: [CellKey: (event: GridEvent, value: String?)] = [:]
        for (grid, event) in rows {
            if event.kind.isCellWrite, let cell = event.cell {
                latest[CellKey(grid: grid, cell: cell)] = (event, event.kind == .set ? event.value : nil)
            } else if event.kind == .multi {
                for change in event.cells ?? [] { latest[CellKey(grid: grid, cell: change.cell)] = (event, change.value) }
            }
        }
        guard !latest.isEmpty else { return }
        let writes = latest.sorted { ($0.key.grid, $0.key.cell) < ($1.key.grid, $1.key.cell) }
        for range in StatementChunks.ranges(for: writes.count, maximum: rowsPerStatement) {
            let chunk = writes[range]
            let sql = """
                INSERT INTO cells (grid, cell, value, version, ver_key, user_name, at_ms)
                VALUES \(Array(repeating: "(?,?,?,?,?,?,?)", count: chunk.count).joined(separator: ","))
                ON DUPLICATE KEY UPDATE
                  value = IF(VALUES(ver_key) > ver_key, VALUES(value), value),
                  version = IF(VALUES(ver_key) > ver_key, VALUES(version), version),
                  user_name = IF(VALUES(ver_key) > ver_key, VALUES(user_name), user_name),
                  at_ms = IF(VALUES(ver_key) > ver_key, VALUES(at_ms), at_ms),
                  ver_key = IF(VALUES(ver_key) > ver_key, VALUES(ver_key), ver_key)
                """
            var params: [MySQLValue] = []
            params.reserveCapacity(chunk.count * 7)
            for (key, (event, value)) in chunk {
                params += [
                    .text(key.grid), .text(key.cell), text(value),
                    .text(event.id.description), .text(event.id.sortKey), .text(event.user ?? ""), .int(event.at),
                ]
            }
            try connection.execute(sql, params)
        }
    }

    private static func upsertWatermarks(_ marks: ArraySlice<(grid: String, last: Version)>, on connection: MySQLConnection) throws {
        let sql = """
            INSERT INTO watermarks (grid, version, ver_key, updated_at)
            VALUES \(Array(repeating: "(?,?,?,?)", count: marks.count).joined(separator: ","))
            ON DUPLICATE KEY UPDATE
              version = IF(VALUES(ver_key) > ver_key, VALUES(version), version),
              updated_at = VALUES(updated_at),
              ver_key = IF(VALUES(ver_key) > ver_key, VALUES(ver_key), ver_key)
            """
        let now = WallClock.nowMilliseconds()
        var params: [MySQLValue] = []
        params.reserveCapacity(marks.count * 4)
        for (grid, last) in marks {
            params += [.text(grid), .text(last.description), .text(last.sortKey), .int(now)]
        }
        try connection.execute(sql, params)
    }

    private static func text(_ value: String?) -> MySQLValue {
        value.map { .text($0) } ?? .null
    }
}
