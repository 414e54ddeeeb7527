import MySQLClient
import RedisClient

/// What the health checks reach, and nothing else of the server: the health monitor and
/// `/healthz` need Redis, MySQL and the spool, not the sessions or the hubs.
struct HealthChecks: Sendable {
    let serverID: String
    let authentication: ServerConfiguration.Authentication?
    let redis: RedisClient
    let store: GridStore
    let mysql: MySQLClient
    let spool: Spool
}
