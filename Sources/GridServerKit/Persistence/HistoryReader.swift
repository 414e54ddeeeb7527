import MySQLClient
import RedisClient
import Shared

/// Pages through a grid's whole history: what MySQL holds (up to the durable watermark) and the
/// stream's tail beyond it, without duplicates, always returned oldest first.
public struct HistoryReader: Sendable {
    private let store: GridStore
    private let mysql: MySQLClient

    public init(redis: RedisClient, mysql: MySQLClient) {
        self.store = GridStore(redis: redis)
        self.mysql = mysql
    }

    public func page(grid: String, request: ClientMessage.HistoryRequest, limit: Int, durable: Version) async throws -> ServerMessage.HistoryPage {
        if let after = request.after {
            var entries = try await stored(grid: grid, after: after, upTo: durable, limit: limit + 1)
            if entries.count <= limit {
                let from = max(after, durable)
                entries += try await store.logEntries(grid: grid, after: from, count: limit + 1 - entries.count)
            }
            return .init(id: request.id, entries: Self.capped(entries.prefix(limit)), more: entries.count > limit)
        }
        let before = request.before
        var newestFirst = try await store.logEntriesNewestFirst(grid: grid, before: before, after: durable, count: limit + 1)
        if newestFirst.count <= limit {
            let below = min(before ?? durable.next, durable.next)
            newestFirst += try await stored(grid: grid, before: below, limit: limit + 1 - newestFirst.count)
        }
        return .init(id: request.id, entries: Self.capped(newestFirst.prefix(limit).reversed()), more: newestFirst.count > limit)
    }

    /// Cells shown per multi-cell entry of a history page; `count` says how many it changed. A
    /// page of imports would otherwise carry every cell of every chunk.
    static let cellsPerEntry = 50

    private static func capped(_ entries: some Sequence<GridEvent>) -> [GridEvent] {
        entries.map { event in
            guard let cells = event.cells, cells.count > cellsPerEntry else { return event }
            var event = event
            event.cells = Array(cells.prefix(cellsPerEntry))
            return event
        }
    }

    private static let columns = """
        id_ms, id_seq, kind, cell, value, old_value, base, user_name, session, server, op_id, at_ms,
        winner_version, winner_value, winner_user, winner_at, winner_kind, error, label, op_group, cell_count, cell_range
        """

    private func stored(grid: String, after: Version, upTo durable: Version, limit: Int) async throws -> [GridEvent] {
        guard after < durable else { return [] }
        let rows = try await mysql.query(
            """
            SELECT \(Self.columns) FROM ops
            WHERE grid = ? AND (id_ms > ? OR (id_ms = ? AND id_seq > ?)) AND (id_ms < ? OR (id_ms = ? AND id_seq <= ?))
            ORDER BY id_ms, id_seq LIMIT ?
            """,
            [
                .text(grid), .int(Int64(after.milliseconds)), .int(Int64(after.milliseconds)), .int(Int64(after.sequence)),
                .int(Int64(durable.milliseconds)), .int(Int64(durable.milliseconds)), .int(Int64(durable.sequence)), .int(Int64(limit)),
            ]
        )
        return try await withCells(rows.compactMap(Self.event), grid: grid)
    }

    private func stored(grid: String, before: Version, limit: Int) async throws -> [GridEvent] {
        guard limit > 0 else { return [] }
        let rows = try await mysql.query(
            """
            SELECT \(Self.columns) FROM ops
            WHERE grid = ? AND (id_ms < ? OR (id_ms = ? AND id_seq < ?))
            ORDER BY id_ms DESC, id_seq DESC LIMIT ?
            """,
            [.text(grid), .int(Int64(before.milliseconds)), .int(Int64(before.milliseconds)), .int(Int64(before.sequence)), .int(Int64(limit))]
        )
        return try await withCells(rows.compactMap(Self.event), grid: grid)
    }

    /// Fills in the first `cellsPerEntry` cells of each multi-cell entry from `op_cells`.
    private func withCells(_ events: [GridEvent], grid: String) async throws -> [GridEvent] {
        let multi = events.filter { $0.kind == .multi || $0.kind == .multiConflict }
        guard !multi.isEmpty else { return events }
        let rows = try await mysql.query(
            """
            SELECT id_ms, id_seq, cell, value, old_value, base, winner_version, winner_value, winner_user, winner_at, winner_kind FROM (
              SELECT *, ROW_NUMBER() OVER (PARTITION BY id_ms, id_seq ORDER BY position) AS n FROM op_cells
              WHERE grid = ? AND (id_ms, id_seq) IN (\(Array(repeating: "(?,?)", count: multi.count).joined(separator: ",")))
            ) c WHERE n <= ? ORDER BY id_ms, id_seq, position
            """,
            [.text(grid)] + multi.flatMap { [MySQLValue.int(Int64($0.id.milliseconds)), .int(Int64($0.id.sequence))] } + [.int(Int64(Self.cellsPerEntry))]
        )
        var cells: [Version: [CellChange]] = [:]
        for row in rows {
            guard let ms = row["id_ms"].int, let seq = row["id_seq"].int, let cell = row["cell"].string else { continue }
            cells[Version(milliseconds: UInt64(ms), sequence: UInt64(seq)), default: []].append(CellChange(
                cell: cell, value: row["value"].string, base: row["base"].string.flatMap { Version($0) }, old: row["old_value"].string,
                winner: Self.winner(row)
            ))
        }
        return events.map { event in
            guard event.kind == .multi || event.kind == .multiConflict else { return event }
            var event = event
            event.cells = cells[event.id] ?? []
            return event
        }
    }

    /// The winner columns of an `ops` or `op_cells` row.
    static func winner(_ row: MySQLRow) -> CellState? {
        guard let version = row["winner_version"].string.flatMap({ Version($0) }) else { return nil }
        return CellState(
            value: row["winner_kind"].string == "s" ? (row["winner_value"].string ?? "") : nil, version: version,
            user: row["winner_user"].string ?? "", at: row["winner_at"].int ?? 0
        )
    }

    static func event(_ row: MySQLRow) -> GridEvent? {
        guard let ms = row["id_ms"].int, let seq = row["id_seq"].int, let kind = row["kind"].string else { return nil }
        var event = GridEvent(
            id: Version(milliseconds: UInt64(ms), sequence: UInt64(seq)), kind: GridEvent.Kind(kind), cell: row["cell"].string,
            value: row["value"].string, old: row["old_value"].string, base: row["base"].string.flatMap { Version($0) },
            user: row["user_name"].string, session: row["session"].string, server: row["server"].string, op: row["op_id"].string,
            at: row["at_ms"].int ?? 0, error: row["error"].string, label: row["label"].string,
            count: row["cell_count"].int.map { Int($0) }, group: row["op_group"].string,
            range: row["cell_range"].string
        )
        event.winner = winner(row)
        return event
    }
}
