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
            return .init(id: request.id, entries: Array(entries.prefix(limit)), more: entries.count > limit)
        }
        let before = request.before
        var newestFirst = try await store.logEntriesNewestFirst(grid: grid, before: before, after: durable, count: limit + 1)
        if newestFirst.count <= limit {
            let below = min(before ?? durable.next, durable.next)
            newestFirst += try await stored(grid: grid, before: below, limit: limit + 1 - newestFirst.count)
        }
        return .init(id: request.id, entries: Array(newestFirst.prefix(limit).reversed()), more: newestFirst.count > limit)
    }

    private static let columns = """
        id_ms, id_seq, kind, cell, value, old_value, base, user_name, session, server, op_id, at_ms,
        winner_version, winner_value, winner_user, winner_at, winner_kind, error
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
        return rows.compactMap(Self.event)
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
        return rows.compactMap(Self.event)
    }

    static func event(_ row: MySQLRow) -> GridEvent? {
        guard let ms = row["id_ms"].int, let seq = row["id_seq"].int, let kind = row["kind"].string else { return nil }
        var event = GridEvent(
            id: Version(milliseconds: UInt64(ms), sequence: UInt64(seq)), kind: GridEvent.Kind(kind), cell: row["cell"].string,
            value: row["value"].string, old: row["old_value"].string, base: row["base"].string.flatMap { Version($0) },
            user: row["user_name"].string, session: row["session"].string, server: row["server"].string, op: row["op_id"].string,
            at: row["at_ms"].int ?? 0, error: row["error"].string
        )
        if let winner = row["winner_version"].string.flatMap({ Version($0) }) {
            event.winner = CellState(
                value: row["winner_kind"].string == "s" ? (row["winner_value"].string ?? "") : nil, version: winner,
                user: row["winner_user"].string ?? "", at: row["winner_at"].int ?? 0
            )
        }
        return event
    }
}
