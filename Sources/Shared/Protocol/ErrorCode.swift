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

    private static let sessionEnding: Set<ErrorCode> = [
        .unsupportedProtocol, .badName, .loginTimeout, .redisUnavailable, .mysqlUnavailable,
        .serverShuttingDown, .slowConsumer, .gridUnavailable, .tooManySessions,
    ]

    public var endsSession: Bool { Self.sessionEnding.contains(self) }
}
