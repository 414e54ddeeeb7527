/// How a client reaches the servers and who it is.
public struct GridClientConfiguration: Sendable {
    /// WebSocket URLs (`ws://host:port/ws`); after a failure the client moves to the next one.
    public var servers: [String]
    public var user: String
    public var grid: String
    public var token: String?
    /// PEM file of the certificate authorities trusted for wss:// servers; nil trusts the system store.
    public var caFile: String?
    public var clientName = "grid-tui"
    public var initialBackoff: Duration = .milliseconds(100)
    public var maxBackoff: Duration = .seconds(2)
    public var pingInterval: Duration = .seconds(2)
    /// How long an edit the server refused as `rate_limited` waits before it is sent again.
    public var rateLimitRetry: Duration = .seconds(1)
    /// Largest message accepted from a server (a welcome holds the whole grid).
    public var maxMessageSize = 1 << 28

    public init(servers: [String], user: String, grid: String, token: String? = nil) {
        self.servers = servers
        self.user = user
        self.grid = grid
        self.token = token
    }
}
