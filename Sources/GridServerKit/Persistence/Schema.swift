import MySQLClient
import Shared

/// The MySQL schema, as versioned migrations applied at start-up.
public enum Schema {
    public static let migrations: [MySQLMigration] = [
        MySQLMigration(
            version: 1, name: "ops, cells, sessions, watermarks",
            statements: [
                """
                CREATE TABLE IF NOT EXISTS ops (
                  grid VARCHAR(64) NOT NULL,
                  id_ms BIGINT UNSIGNED NOT NULL,
                  id_seq BIGINT UNSIGNED NOT NULL,
                  kind VARCHAR(16) NOT NULL,
                  cell VARCHAR(10) NULL,
                  value MEDIUMTEXT NULL,
                  old_value MEDIUMTEXT NULL,
                  base VARCHAR(41) NULL,
                  user_name VARCHAR(64) NULL,
                  session VARCHAR(64) NULL,
                  server VARCHAR(64) NULL,
                  op_id VARCHAR(128) NULL,
                  at_ms BIGINT NOT NULL,
                  winner_version VARCHAR(41) NULL,
                  winner_value MEDIUMTEXT NULL,
                  winner_user VARCHAR(64) NULL,
                  winner_at BIGINT NULL,
                  winner_kind CHAR(1) NULL,
                  error TEXT NULL,
                  PRIMARY KEY (grid, id_ms, id_seq),
                  UNIQUE KEY ops_op (grid, op_id)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
                """,
                """
                CREATE TABLE IF NOT EXISTS cells (
                  grid VARCHAR(64) NOT NULL,
                  cell VARCHAR(10) NOT NULL,
                  value MEDIUMTEXT NULL,
                  version VARCHAR(41) NOT NULL,
                  ver_key CHAR(40) NOT NULL,
                  user_name VARCHAR(64) NOT NULL,
                  at_ms BIGINT NOT NULL,
                  PRIMARY KEY (grid, cell)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
                """,
                """
                CREATE TABLE IF NOT EXISTS sessions (
                  id VARCHAR(64) NOT NULL PRIMARY KEY,
                  grid VARCHAR(64) NOT NULL,
                  user_name VARCHAR(64) NOT NULL,
                  server VARCHAR(64) NOT NULL,
                  status VARCHAR(8) NOT NULL,
                  opened_at BIGINT NULL,
                  closed_at BIGINT NULL,
                  error TEXT NULL,
                  KEY sessions_grid (grid),
                  KEY sessions_server (server, status)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
                """,
                """
                CREATE TABLE IF NOT EXISTS watermarks (
                  grid VARCHAR(64) NOT NULL PRIMARY KEY,
                  version VARCHAR(41) NOT NULL,
                  ver_key CHAR(40) NOT NULL,
                  updated_at BIGINT NOT NULL
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
                """,
            ]
        ),
        MySQLMigration(
            version: 2, name: "multi-cell edits",
            statements: [
                // A multi-cell edit is one `ops` row (kind `multi` or `multi.conflict`, no cell)
                // with its label, import group, number of cells and range, and one `op_cells` row per
                // cell, in the order sent: a written cell (kind `set` or `clear`, with the value
                // it replaced) or a cell that moved (kind `conflict`, with the winner). Every
                // cell's history and a rebuild read both tables.
                """
                ALTER TABLE ops ADD COLUMN IF NOT EXISTS label VARCHAR(16) NULL,
                  ADD COLUMN IF NOT EXISTS op_group VARCHAR(128) NULL,
                  ADD COLUMN IF NOT EXISTS cell_count INT NULL,
                  ADD COLUMN IF NOT EXISTS cell_range VARCHAR(21) NULL
                """,
                """
                CREATE TABLE IF NOT EXISTS op_cells (
                  grid VARCHAR(64) NOT NULL,
                  id_ms BIGINT UNSIGNED NOT NULL,
                  id_seq BIGINT UNSIGNED NOT NULL,
                  position INT NOT NULL,
                  cell VARCHAR(10) NOT NULL,
                  kind VARCHAR(16) NOT NULL,
                  value MEDIUMTEXT NULL,
                  old_value MEDIUMTEXT NULL,
                  base VARCHAR(41) NULL,
                  winner_version VARCHAR(41) NULL,
                  winner_value MEDIUMTEXT NULL,
                  winner_user VARCHAR(64) NULL,
                  winner_at BIGINT NULL,
                  winner_kind CHAR(1) NULL,
                  PRIMARY KEY (grid, id_ms, id_seq, position),
                  KEY op_cells_cell (grid, cell, id_ms, id_seq)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
                """,
            ]
        ),
    ]
}

extension Version {
    /// A fixed-width form whose text order is the version order, for comparisons inside SQL.
    var sortKey: String {
        let ms = String(milliseconds)
        let seq = String(sequence)
        return String(repeating: "0", count: 20 - ms.count) + ms + String(repeating: "0", count: 20 - seq.count) + seq
    }
}
