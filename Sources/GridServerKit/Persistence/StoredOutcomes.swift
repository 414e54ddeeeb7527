import MySQLClient
import Shared

/// Op outcomes as MySQL holds them: the answer to a resend once Redis has forgotten the op
/// (its outcome is trimmed from Redis after the ops grace period; `ops.op_id` is unique per grid).
public struct StoredOutcomes: Sendable {
    let mysql: MySQLClient

    public init(mysql: MySQLClient) { self.mysql = mysql }

    /// The columns `outcome(_:)` reads.
    static let columns = "op_id, kind, id_ms, id_seq, winner_version, winner_at, winner_user, winner_kind, winner_value"

    /// The outcome of `op` in `grid`, or nil if MySQL never stored it.
    public func outcome(grid: String, op: String) async throws -> SequencerOutcome? {
        let rows = try await mysql.query("SELECT \(Self.columns) FROM ops WHERE grid = ? AND op_id = ?", [.text(grid), .text(op)])
        return rows.first.flatMap(Self.outcome)
    }

    /// The outcome an `ops` row records: a conflict for a `conflict` event, else an accepted op.
    static func outcome(_ row: MySQLRow) -> SequencerOutcome? {
        guard let ms = row["id_ms"].int, let seq = row["id_seq"].int else { return nil }
        let version = Version(milliseconds: UInt64(ms), sequence: UInt64(seq))
        guard row["kind"].string == "conflict" else { return .accepted(version) }
        let winner = CellState(
            value: row["winner_kind"].string == "s" ? (row["winner_value"].string ?? "") : nil,
            version: row["winner_version"].string.flatMap { Version($0) } ?? .zero,
            user: row["winner_user"].string ?? "", at: row["winner_at"].int ?? 0
        )
        return .conflict(version: version, winner: winner)
    }
}
