/// What the connected server knows about its backends, sent after each pong so that every
/// screen can show the same state as the server's `/healthz`.
public struct ServerHealth: Hashable, Sendable, Codable {
    public var redis: Bool
    public var mysql: Bool
    /// How far MySQL trails the newest log entry, in milliseconds (nil if unknown).
    public var persisterLagMilliseconds: Int64?
    /// Session records waiting in the server's local spool.
    public var spoolDepth: Int

    public init(redis: Bool, mysql: Bool, persisterLagMilliseconds: Int64?, spoolDepth: Int) {
        self.redis = redis
        self.mysql = mysql
        self.persisterLagMilliseconds = persisterLagMilliseconds
        self.spoolDepth = spoolDepth
    }
}
