import MySQLClient
import Shared

/// Op outcomes as MySQL holds them: the answer to a resend once Redis has forgotten the op
/// (its outcome is trimmed from Redis after the ops grace period; `ops.op_id` is unique per grid).
public struct StoredOutcomes: Sendable {
    let mysql: MySQLClient

    public init(mysql: MySQLClient) { self.mysql = mysql }

    /// The columns `outcomes(_:grid:)` reads.
    static let columns = "op_id, kind, id_ms, id_seq, winner_version, winner_at, winner_user, winner_kind, winner_value"

    /// The outcome of `op` in `grid`, or nil if MySQL never stored it.
    public func outcome(grid: String, op: String) async throws -> SequencerOutcome? {
        let rows = try await mysql.query("SELECT \(Self.columns) FROM ops WHERE grid = ? AND op_id = ?", [.text(grid), .text(op)])
        return try await outcomes(rows, grid: grid).first?.outcome
    }

    /// The outcomes the `ops` rows record, with their op ids: a conflict for a `conflict` event,
    /// a lost multi-cell edit with its moved cells (from `op_cells`) for `multi.conflict`, else
    /// an accepted op.
    func outcomes(_ rows: [MySQLRow], grid: String) async throws -> [(op: String, outcome: SequencerOutcome)] {
        let lost = rows.filter { $0["kind"].string == GridEvent.Kind.multiConflict.rawValue }.compactMap(Self.version)
        let moved = try await movedCells(grid: grid, of: lost)
        return rows.compactMap { row in
            guard let op = row["op_id"].string, let version = Self.version(row) else { return nil }
            switch row["kind"].string {
            case GridEvent.Kind.conflict.rawValue:
                let winner = HistoryReader.winner(row) ?? CellState(value: nil, version: .zero, user: "", at: 0)
                return (op, .conflict(version: version, winner: winner))
            case GridEvent.Kind.multiConflict.rawValue:
                return (op, .multiConflict(version: version, moved: moved[version] ?? []))
            default:
                return (op, .accepted(version))
            }
        }
    }

    private func movedCells(grid: String, of versions: [Version]) async throws -> [Version: [CellChange]] {
        guard !versions.isEmpty else { return [:] }
        let rows = try await mysql.query(
            """
            SELECT id_ms, id_seq, cell, value, base, winner_version, winner_value, winner_user, winner_at, winner_kind FROM op_cells
            WHERE grid = ? AND (id_ms, id_seq) IN (\(Array(repeating: "(?,?)", count: versions.count).joined(separator: ",")))
            ORDER BY id_ms, id_seq, position
            """,
            [.text(grid)] + versions.flatMap { [MySQLValue.int(Int64($0.milliseconds)), .int(Int64($0.sequence))] }
        )
        var moved: [Version: [CellChange]] = [:]
        for row in rows {
            guard let version = Self.version(row), let cell = row["cell"].string else { continue }
            moved[version, default: []].append(CellChange(
                cell: cell, value: row["value"].string, base: row["base"].string.flatMap { Version($0) }, winner: HistoryReader.winner(row)
            ))
        }
        return moved
    }

    private static func version(_ row: MySQLRow) -> Version? {
        guard let ms = row["id_ms"].int, let seq = row["id_seq"].int else { return nil }
        return Version(milliseconds: UInt64(ms), sequence: UInt64(seq))
    }
}
