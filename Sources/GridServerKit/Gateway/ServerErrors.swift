import MySQLClient
import RedisClient
import Shared

/// Every error a session is told (code and wording), in one place, so that the same failure
/// always reads the same wherever it is detected. Each message says what happened and what to
/// do. The token refusals are `LoginAuthorizer`'s, next to the checks they explain.
enum ServerErrors {
    // Frames.
    static let binaryFrame = ProtocolError(.badFrame, "binary frames are not part of the protocol; send JSON text frames")
    static let fragmentsOutOfOrder = ProtocolError(
        .badFrame, "a continuation frame without its first frame, or a new message inside another; the fragments were dropped"
    )
    static func frameTooLarge(limit: Int, size: Int) -> ProtocolError {
        ProtocolError(.frameTooLarge, "a message may be at most \(limit) bytes; this one has \(size), so it was dropped; send smaller values")
    }
    static let alreadyLoggedIn = ProtocolError(
        .alreadyLoggedIn, "this connection is already logged in; open a new connection to change user or grid"
    )
    static let notLoggedIn = ProtocolError(.notLoggedIn, "send hello first: {\"type\":\"hello\",\"protocol\":1,\"user\":…,\"grid\":…}")

    // Edits and requests.
    static func readOnly(_ kind: EditKind, cell: String, role: String) -> ProtocolError {
        ProtocolError(
            .readOnly,
            "\(kind.rawValue) of \(cell.prefix(16)) refused: your token is read-only (role \(role)); ask an admin for an editor token to make changes"
        )
    }
    static func badCell(_ cell: String, bounds: String) -> ProtocolError {
        ProtocolError(.badCell, "'\(cell.prefix(16))' is not a cell from \(bounds); use a reference like B7")
    }
    static let badOpLength = ProtocolError(.badField, "'op' must be 1 to 128 bytes")
    static let missingValue = ProtocolError(.badField, "missing field 'value'; use clear to empty a cell")
    static func valueTooLarge(limit: Int, size: Int) -> ProtocolError {
        ProtocolError(.valueTooLarge, "a cell holds at most \(limit) bytes; this value has \(size)")
    }
    static func rateLimited(perSecond: Double, burst: Int) -> ProtocolError {
        ProtocolError(
            .rateLimited,
            "more than \(Int(perSecond)) edits per second (bursts up to \(burst)); this edit was not applied; send it again after a pause (grid-tui does so by itself)"
        )
    }
    static func multiRateLimited(perSecond: Double, burst: Int) -> ProtocolError {
        ProtocolError(
            .rateLimited,
            "multi-cell edits may write \(Int(perSecond)) cells per second (bursts up to \(burst)); this edit was not applied; send it again after a pause (grid-tui does so by itself)"
        )
    }
    static func tooManyCells(limit: Int, count: Int) -> ProtocolError {
        ProtocolError(.tooManyCells, "a multi-cell edit writes 1 to \(limit) cells; this one has \(count); send it in chunks")
    }
    static func cellTwice(_ cell: String) -> ProtocolError {
        ProtocolError(.tooManyCells, "\(cell) appears twice in one multi-cell edit; name each cell once")
    }
    static let badLabel = ProtocolError(.badField, "'label' must be 1 to 16 lowercase letters, such as paste, fill, sort or import")
    static let badGroup = ProtocolError(.badField, "'group' must be 1 to 128 bytes")
    static func historyLimit(_ maximum: Int) -> ProtocolError {
        ProtocolError(.badField, "'limit' must be between 1 and \(maximum)")
    }
    static func historyUnavailable(_ error: any Error) -> ProtocolError {
        ProtocolError(.historyUnavailable, "history could not be loaded (\(describe(error))); try again shortly")
    }

    // Login.
    static func unsupportedProtocol(client: Int) -> ProtocolError {
        ProtocolError(.unsupportedProtocol, "this server speaks protocol \(ProtocolVersion.current), the client sent \(client); upgrade the client")
    }
    static let upgradeRequired = ProtocolError(
        .upgradeRequired,
        "this server's grids have multi-cell edits, which this client cannot show; upgrade to a client that states feature \"multi\" in hello (grid-tui from CollabGrid 0.13 on)"
    )
    static func badUserName(maxBytes: Int) -> ProtocolError {
        ProtocolError(.badName, "user names are 1–\(maxBytes) letters, digits, '_', '-' or '.', starting with a letter or digit")
    }
    static func badGridName(maxBytes: Int) -> ProtocolError {
        ProtocolError(.badName, "grid names are 1–\(maxBytes) letters, digits, '_', '-' or '.', starting with a letter or digit")
    }
    static func tooManySessions(_ reason: String) -> ProtocolError { ProtocolError(.tooManySessions, reason) }
    static func redisUnavailableAtLogin(_ url: String) -> ProtocolError {
        ProtocolError(.redisUnavailable, "Redis is unreachable at \(url), so no edits can be ordered; try again shortly")
    }
    static func mysqlUnavailableAtLogin(_ url: String) -> ProtocolError {
        ProtocolError(.mysqlUnavailable, "MySQL is unreachable at \(url), so history cannot be loaded; try again shortly")
    }
    static func gridUnavailable(_ error: any Error) -> ProtocolError {
        ProtocolError(.gridUnavailable, "the grid's saved state could not be loaded (\(describe(error))); try again shortly")
    }

    // A session ended by the server.
    /// Redis failed while the session was live; the client keeps its edits and resends them.
    static func redisLost(_ url: String, _ error: any Error) -> ProtocolError {
        ProtocolError(
            .redisUnavailable,
            "Redis is unreachable at \(url) (\(describe(error))); your unsaved edits are kept and will be resent after reconnecting"
        )
    }
    static func redisBack(_ url: String) -> ProtocolError {
        ProtocolError(.redisUnavailable, "Redis at \(url) was unavailable and is back; reconnecting resends your unsaved edits")
    }
    static let gridRestored = ProtocolError(
        .gridUnavailable,
        "the grid was restored from MySQL after Redis lost recent edits; reconnecting loads it, and your unsaved edits are resent"
    )
    /// A resent edit Redis no longer knows could not be looked up: it must not be applied
    /// blindly (it may be applied already), so the session ends and the client resends it later.
    static func resendUnverified(_ url: String, _ error: any Error) -> ProtocolError {
        ProtocolError(
            .mysqlUnavailable,
            "MySQL is unreachable at \(url) (\(describe(error))), so a resent edit the server no longer remembers cannot be checked; reconnecting resends it once MySQL is back"
        )
    }

    /// An error's own text, without the type name.
    static func describe(_ error: any Error) -> String {
        if let error = error as? RedisError { return error.message }
        if let error = error as? MySQLError { return error.message }
        return "\(error)"
    }

}
