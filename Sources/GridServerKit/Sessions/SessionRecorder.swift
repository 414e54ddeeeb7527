import Logging
import MySQLClient
import RedisClient
import Shared

/// Records how sessions end, by the best path available: the grid's log (so the persister
/// stores it in order), else MySQL directly, else the local spool for later.
public struct SessionRecorder: Sendable {
    let store: GridStore
    let mysql: MySQLClient
    let spool: Spool
    let logger: Logger

    /// A session ended; `error` nil means a clean close.
    public func recordEnd(session: String, grid: String, user: String, server: String, openedAt: Int64?, error: String?) async {
        do {
            try await store.appendSessionEvent(
                grid: grid, kind: error == nil ? .sessionClose : .sessionError, session: session, user: user, server: server, error: error
            )
            return
        } catch {
            logger.warning("session end not logged in Redis; writing it to MySQL", metadata: ["session": "\(session)", "error": "\(error)"])
        }
        await recordDirect(SessionRecord(
            session: session, grid: grid, user: user, server: server, status: .error, openedAt: openedAt,
            endedAt: WallClock.nowMilliseconds(), error: error ?? "Redis unavailable when the session closed"
        ))
    }

    /// Writes a record straight to MySQL, or to the spool when MySQL is down too.
    public func recordDirect(_ record: SessionRecord) async {
        do {
            try await mysql.withConnection { connection in try record.upsert(on: connection) }
        } catch {
            do {
                try spool.append(record)
                logger.warning("session record spooled", metadata: ["session": "\(record.session)", "spool": "\(spool.path)"])
            } catch {
                logger.error("session record lost: spool unwritable", metadata: ["session": "\(record.session)", "error": "\(error)"])
            }
        }
    }
}
