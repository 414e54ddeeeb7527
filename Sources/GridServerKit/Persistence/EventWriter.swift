import MySQLClient
import Shared

/// Writes a batch of log events to MySQL inside one transaction. Every statement is idempotent
/// on the stream id (and on the op id), so a batch replayed after a crash stores nothing twice.
public enum EventWriter {
    static let rowsPerStatement = 512
    private static let opColumns = 19

    public static func write(_ events: [GridEvent], grid: String, on connection: MySQLConnection) throws {
        guard let last = events.last else { return }
        try connection.transaction { connection in
            for range in StatementChunks.ranges(for: events.count, maximum: rowsPerStatement) {
                try insertOps(events[range], grid: grid, on: connection)
            }
            try upsertCells(events, grid: grid, on: connection)
            try upsertSessions(events, grid: grid, on: connection)
            try connection.execute(
                """
                INSERT INTO watermarks (grid, version, ver_key, updated_at) VALUES (?, ?, ?, ?)
                ON DUPLICATE KEY UPDATE
                  version = IF(VALUES(ver_key) > ver_key, VALUES(version), version),
                  updated_at = VALUES(updated_at),
                  ver_key = IF(VALUES(ver_key) > ver_key, VALUES(ver_key), ver_key)
                """,
                [.text(grid), .text(last.id.description), .text(last.id.sortKey), .int(WallClock.nowMilliseconds())]
            )
        }
    }

    private static func insertOps(_ events: ArraySlice<GridEvent>, grid: String, on connection: MySQLConnection) throws {
        let placeholders = "(" + Array(repeating: "?", count: opColumns).joined(separator: ",") + ")"
        let sql = """
            INSERT INTO ops (grid, id_ms, id_seq, kind, cell, value, old_value, base, user_name, session, server, op_id,
              at_ms, winner_version, winner_value, winner_user, winner_at, winner_kind, error)
            VALUES \(Array(repeating: placeholders, count: events.count).joined(separator: ","))
            ON DUPLICATE KEY UPDATE grid = grid
            """
        var params: [MySQLValue] = []
        params.reserveCapacity(events.count * opColumns)
        for event in events {
            params += [
                .text(grid), .int(Int64(event.id.milliseconds)), .int(Int64(event.id.sequence)), .text(event.kind.rawValue),
                text(event.cell), text(event.value), text(event.old), text(event.base?.description), text(event.user),
                text(event.session), text(event.server), text(event.op), .int(event.at),
                text(event.winner?.version.description), text(event.winner?.value), text(event.winner?.user),
                event.winner.map { .int($0.at) } ?? .null, event.winner.map { .text($0.value == nil ? "c" : "s") } ?? .null,
                text(event.error),
            ]
        }
        try connection.execute(sql, params)
    }

    /// Only the last write of each cell in the batch matters; older versions never overwrite newer.
    private static func upsertCells(_ events: [GridEvent], grid: String, on connection: MySQLConnection) throws {
        var latest: [String: GridEvent] = [:]
        for event in events where event.kind.isCellWrite {
            if let cell = event.cell { latest[cell] = event }
        }
        guard !latest.isEmpty else { return }
        let writes = Array(latest.values)
        for range in StatementChunks.ranges(for: writes.count, maximum: rowsPerStatement) {
            let rows = writes[range]
            let sql = """
                INSERT INTO cells (grid, cell, value, version, ver_key, user_name, at_ms)
                VALUES \(Array(repeating: "(?,?,?,?,?,?,?)", count: rows.count).joined(separator: ","))
                ON DUPLICATE KEY UPDATE
                  value = IF(VALUES(ver_key) > ver_key, VALUES(value), value),
                  version = IF(VALUES(ver_key) > ver_key, VALUES(version), version),
                  user_name = IF(VALUES(ver_key) > ver_key, VALUES(user_name), user_name),
                  at_ms = IF(VALUES(ver_key) > ver_key, VALUES(at_ms), at_ms),
                  ver_key = IF(VALUES(ver_key) > ver_key, VALUES(ver_key), ver_key)
                """
            var params: [MySQLValue] = []
            for event in rows {
                params += [
                    .text(grid), text(event.cell), event.kind == .set ? text(event.value) : .null,
                    .text(event.id.description), .text(event.id.sortKey), .text(event.user ?? ""), .int(event.at),
                ]
            }
            try connection.execute(sql, params)
        }
    }

    private static func upsertSessions(_ events: [GridEvent], grid: String, on connection: MySQLConnection) throws {
        for event in events {
            try SessionRecord(event: event, grid: grid)?.upsert(on: connection)
        }
    }

    private static func text(_ value: String?) -> MySQLValue {
        value.map { .text($0) } ?? .null
    }
}
