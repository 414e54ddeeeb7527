import Logging
import MySQLClient
import RedisClient

/// The shared parts every session uses, built once per server.
public struct ServerServices: Sendable {
    public let configuration: ServerConfiguration
    public let redis: RedisClient
    public let mysql: MySQLClient
    public let store: GridStore
    public let sequencer: Sequencer
    public let hubs: GridHubs
    public let history: HistoryReader
    public let spool: Spool
    public let recorder: SessionRecorder
    public let reaper: SessionReaper
    public let rebuilder: GridRebuilder
    /// Sessions this server serves, against the per-server and per-user limits.
    public let admission: SessionCounter
    let authorizer: LoginAuthorizer
    public let metrics: ServerMetrics
    /// Rung by the sequencer for each edit written, and by the store for each session event;
    /// the persister's dispatcher waits on it.
    public let editsWritten = Doorbell()
    /// Checks Redis, MySQL and the spool for `/healthz` and the clients' status bars.
    public let monitor: HealthMonitor

    public var queueGauge: QueueGauge { metrics.outboundQueue }

    public init(configuration: ServerConfiguration, redis: RedisClient, mysql: MySQLClient, logger: Logger) throws {
        guard let authentication = configuration.authentication else { throw ServerConfigurationError.noAuthentication }
        self.configuration = configuration
        self.authorizer = LoginAuthorizer(authentication: authentication)
        self.redis = redis
        self.mysql = mysql
        self.store = GridStore(redis: redis, marked: editsWritten)
        self.sequencer = Sequencer(redis: redis, written: editsWritten)
        self.metrics = ServerMetrics(serverID: configuration.serverID)
        self.hubs = GridHubs(
            redis: redis, metrics: metrics, linger: configuration.hubLinger, tailConnections: configuration.tailConnections, logger: logger
        )
        self.history = HistoryReader(redis: redis, mysql: mysql)
        self.spool = try Spool(directory: configuration.spoolDirectory, serverID: configuration.serverID)
        self.recorder = SessionRecorder(store: store, mysql: mysql, spool: spool, logger: logger)
        self.reaper = SessionReaper(redis: redis, mysql: mysql, logger: logger)
        self.rebuilder = GridRebuilder(redis: redis, mysql: mysql, logger: logger)
        self.admission = SessionCounter(
            maxPerServer: configuration.limits.maxSessions, maxPerUser: configuration.limits.maxSessionsPerUser
        )
        self.monitor = HealthMonitor(checks: HealthChecks(
            serverID: configuration.serverID, authentication: authentication, redis: redis, store: store, mysql: mysql, spool: spool
        ))
    }
}
