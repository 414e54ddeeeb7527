/// A failure talking to Redis. `message` holds hiredis's own `errstr` or the server's error text
/// (never the password), so logs say what actually went wrong.
public struct RedisError: Error, Sendable, CustomStringConvertible {
    /// A struct over a private enum so that new codes can be added without breaking callers'
    /// exhaustive switches.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case connectionFailed, connectionLost, timeout, serverError, protocolError, closed
            case authenticationFailed
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Could not open a connection (refused, unresolvable host, connect timeout).
        public static let connectionFailed = Code(.connectionFailed)
        /// An open connection broke (server closed it, reset, broken pipe).
        public static let connectionLost = Code(.connectionLost)
        /// No reply within the socket timeout; the connection is discarded.
        public static let timeout = Code(.timeout)
        /// The server answered with an error reply.
        public static let serverError = Code(.serverError)
        /// The configuration, a URL or the reply stream was malformed.
        public static let protocolError = Code(.protocolError)
        /// The client or blocking connection was shut down.
        public static let closed = Code(.closed)
        /// AUTH or SELECT after connecting was rejected; retrying will not help.
        public static let authenticationFailed = Code(.authenticationFailed)

        public var description: String {
            switch self.base {
            case .connectionFailed: "connectionFailed"
            case .connectionLost: "connectionLost"
            case .timeout: "timeout"
            case .serverError: "serverError"
            case .protocolError: "protocolError"
            case .closed: "closed"
            case .authenticationFailed: "authenticationFailed"
            }
        }
    }

    public let code: Code
    public let message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// True when retrying on a fresh connection may succeed.
    public var isConnectionError: Bool {
        switch self.code {
        case .connectionFailed, .connectionLost, .timeout, .closed: true
        default: false
        }
    }

    public var description: String { "RedisError.\(self.code): \(self.message)" }
}
