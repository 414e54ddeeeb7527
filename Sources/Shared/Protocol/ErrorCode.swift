/// A stable, machine-readable error code sent in `error` frames. New codes may be added; existing
/// ones never change meaning. `endsSession` says whether the server closes the session after it.
public struct ErrorCode: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    // Frame and field problems: the frame is dropped, the session goes on.
    public static let badFrame: ErrorCode = "bad_frame"
    public static let unknownType: ErrorCode = "unknown_type"
    public static let badField: ErrorCode = "bad_field"
    public static let badCell: ErrorCode = "bad_cell"
    public static let valueTooLarge: ErrorCode = "value_too_large"
    public static let frameTooLarge: ErrorCode = "frame_too_large"
    public static let notLoggedIn: ErrorCode = "not_logged_in"
    public static let alreadyLoggedIn: ErrorCode = "already_logged_in"
    public static let historyUnavailable: ErrorCode = "history_unavailable"
    public static let editFailed: ErrorCode = "edit_failed"
    /// The session sent edits faster than the server's limit; the edit (named by `op`) was not
    /// applied and should be sent again after a pause.
    public static let rateLimited: ErrorCode = "rate_limited"
    /// The token's role (viewer) may not write; the edit is refused and the session goes on.
    public static let readOnly: ErrorCode = "read_only"
    /// A `multi` edit names more cells than the server allows in one edit, or one cell twice.
    public static let tooManyCells: ErrorCode = "too_many_cells"

    // Session-ending problems.
    public static let unsupportedProtocol: ErrorCode = "unsupported_protocol"
    public static let badName: ErrorCode = "bad_name"
    public static let loginTimeout: ErrorCode = "login_timeout"
    public static let redisUnavailable: ErrorCode = "redis_unavailable"
    public static let mysqlUnavailable: ErrorCode = "mysql_unavailable"
    public static let serverShuttingDown: ErrorCode = "server_shutting_down"
    public static let slowConsumer: ErrorCode = "slow_consumer"
    public static let gridUnavailable: ErrorCode = "grid_unavailable"
    /// At login: the server or the user already has as many sessions as allowed.
    public static let tooManySessions: ErrorCode = "too_many_sessions"
    /// At login: the client does not state a feature this server's grids need (`hello.features`);
    /// the message names the version to upgrade to.
    public static let upgradeRequired: ErrorCode = "upgrade_required"

    // Refused logins. Every `auth_` code is permanent: retrying with the same token cannot help.
    /// `hello` carried no token, and the server requires one.
    public static let authTokenMissing: ErrorCode = "auth_token_missing"
    /// The token's expiry has passed.
    public static let authTokenExpired: ErrorCode = "auth_token_expired"
    /// The token is not one this server issued: malformed, forged, or signed with a retired secret.
    public static let authTokenInvalid: ErrorCode = "auth_token_invalid"
    /// The token is for another grid.
    public static let authWrongGrid: ErrorCode = "auth_wrong_grid"
    /// `hello.user` is not the token's user.
    public static let authWrongUser: ErrorCode = "auth_wrong_user"

    private static let sessionEnding: Set<ErrorCode> = [
        .unsupportedProtocol, .badName, .loginTimeout, .redisUnavailable, .mysqlUnavailable,
        .serverShuttingDown, .slowConsumer, .gridUnavailable, .tooManySessions, .upgradeRequired,
        .authTokenMissing, .authTokenExpired, .authTokenInvalid, .authWrongGrid, .authWrongUser,
    ]

    /// A refused login (`auth_…`): the client should stop and ask for a token, not retry.
    public var isAuthentication: Bool { rawValue.hasPrefix("auth_") }

    public var endsSession: Bool { Self.sessionEnding.contains(self) }
}
