/// An error from the MariaDB client library, the server, or this module.
///
/// `message` is libmariadb's own text (`mysql_error` / `mysql_stmt_error`) or a short text from
/// this module; neither ever contains the password.
public struct MySQLError: Error, Sendable, CustomStringConvertible {
    /// A struct over a private enum so that new codes can be added without breaking callers'
    /// exhaustive switches.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case connectionFailed
            case connectionLost
            case serverError
            case duplicateKey
            case protocolError
            case closed
            case invalidConfiguration
            case invalidRequest
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// A new connection could not be established (refused, unknown host, access denied...).
        public static let connectionFailed = Code(.connectionFailed)
        /// An established connection broke; the pool discards it and the next lease reconnects.
        public static let connectionLost = Code(.connectionLost)
        /// The server rejected the statement (syntax, constraint, lock wait...).
        public static let serverError = Code(.serverError)
        /// Unique or primary key violation (server errno 1062).
        public static let duplicateKey = Code(.duplicateKey)
        /// The client library reported an inconsistent protocol state; the connection is discarded.
        public static let protocolError = Code(.protocolError)
        /// The client was shut down, or a connection was used outside its lease.
        public static let closed = Code(.closed)
        /// The configuration or URL cannot be used (bad URL, unsafe database name).
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The call itself was wrong (parameter count mismatch, nested transaction, bad migration list).
        public static let invalidRequest = Code(.invalidRequest)

        public var description: String {
            switch base {
            case .connectionFailed: return "connectionFailed"
            case .connectionLost: return "connectionLost"
            case .serverError: return "serverError"
            case .duplicateKey: return "duplicateKey"
            case .protocolError: return "protocolError"
            case .closed: return "closed"
            case .invalidConfiguration: return "invalidConfiguration"
            case .invalidRequest: return "invalidRequest"
            }
        }
    }

    public let code: Code
    public let message: String
    /// The MariaDB error number (server 1xxx/4xxx, client 2xxx/5xxx), or 0 for errors raised here.
    public let errno: UInt32

    public init(code: Code, message: String, errno: UInt32 = 0) {
        self.code = code
        self.message = message
        self.errno = errno
    }

    /// Client error numbers (errmsg.h) and server ones (mysqld_error.h) that mean the connection is
    /// unusable: the socket is gone, the server is shutting down, or it killed this session.
    static let connectionErrnos: Set<UInt32> = [
        2001, 2002, 2003, 2004, 2005, 2006, 2011, 2012, 2013, 2026, 2055,  // CR_* socket / lost
        5013, 5014,  // CR_ERR_NET_READ / CR_ERR_NET_WRITE
        1040,  // ER_CON_COUNT_ERROR
        1053,  // ER_SERVER_SHUTDOWN
        1927,  // ER_CONNECTION_KILLED
        4031,  // ER_CLIENT_INTERACTION_TIMEOUT
    ]

    /// True when retrying on a fresh connection may succeed.
    public var isConnectionError: Bool {
        if Self.connectionErrnos.contains(errno) { return true }
        return code == .connectionFailed || code == .connectionLost || code == .closed
    }

    public var description: String {
        errno == 0 ? "MySQLError.\(code): \(message)" : "MySQLError.\(code) (\(errno)): \(message)"
    }

    /// Classifies an error number reported for a statement on an established connection.
    static func classify(errno: UInt32, message: String) -> MySQLError {
        let code: Code
        switch errno {
        case 1062, 1586:  // ER_DUP_ENTRY, ER_DUP_ENTRY_WITH_KEY_NAME
            code = .duplicateKey
        case _ where connectionErrnos.contains(errno):
            code = .connectionLost
        case 2000...2999, 5000...5999:
            code = .protocolError
        default:
            code = .serverError
        }
        return MySQLError(code: code, message: message, errno: errno)
    }

    static let clientClosed = MySQLError(code: .closed, message: "the MySQL client has been shut down")
}
