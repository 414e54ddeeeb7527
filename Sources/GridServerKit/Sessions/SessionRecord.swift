import MySQLClient
import Shared

/// One `sessions` row change, from the log (via the persister) or written directly when the log
/// is unreachable. Applying the same record twice, or records out of order, gives the same row:
/// a row moves open → closed or error, an error is final, and a late `open` reopens nothing.
public struct SessionRecord: Codable, Hashable, Sendable {
    public enum Status: String, Codable, Sendable { case open, closed, error }

    public var session: String
    public var grid: String
    public var user: String
    public var server: String
    public var status: Status
    public var openedAt: Int64?
    public var endedAt: Int64?
    public var error: String?

    public init(session: String, grid: String, user: String, server: String, status: Status, openedAt: Int64?, endedAt: Int64?, error: String?) {
        self.session = session
        self.grid = grid
        self.user = user
        self.server = server
        self.status = status
        self.openedAt = openedAt
        self.endedAt = endedAt
        self.error = error
    }

    /// The record a session lifecycle event stands for.
    public init?(event: GridEvent, grid: String) {
        guard event.kind.isSession, let session = event.session else { return nil }
        let status: Status = event.kind == .sessionOpen ? .open : (event.kind == .sessionClose ? .closed : .error)
        self.init(
            session: session, grid: grid, user: event.user ?? "", server: event.server ?? "", status: status,
            openedAt: status == .open ? event.at : nil, endedAt: status == .open ? nil : event.at, error: event.error
        )
    }

    public func upsert(on connection: MySQLConnection) throws {
        try connection.execute(
            """
            INSERT INTO sessions (id, grid, user_name, server, status, opened_at, closed_at, error)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON DUPLICATE KEY UPDATE
              opened_at = COALESCE(opened_at, VALUES(opened_at)),
              closed_at = COALESCE(closed_at, VALUES(closed_at)),
              error = COALESCE(error, VALUES(error)),
              status = CASE WHEN status = 'error' THEN 'error' WHEN VALUES(status) = 'open' THEN status ELSE VALUES(status) END
            """,
            [
                .text(session), .text(grid), .text(user), .text(server), .text(status.rawValue),
                openedAt.map { .int($0) } ?? .null, endedAt.map { .int($0) } ?? .null, error.map { .text($0) } ?? .null,
            ]
        )
    }
}
