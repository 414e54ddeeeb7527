/// Everything a grid-server needs to run, with a default for every field.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var serverID = "grid-1"
    public var redisURL = "redis://127.0.0.1:16379"
    public var mysqlURL = "mysql://root@127.0.0.1:13306/collabgrid"
    /// Where session records wait when neither Redis nor MySQL can take them.
    public var spoolDirectory = ".grid-spool"
    /// How often this server renews its heartbeat, and how long it lives without renewal.
    public var heartbeatInterval: Duration = .seconds(1)
    public var heartbeatTTLMilliseconds = 5000
    /// Whether this server takes part in persisting grids to MySQL (any one server suffices).
    public var persist = true
    public var limits = Limits()
    public var persister = PersisterConfiguration()

    public struct Limits: Sendable {
        /// Largest frame a client may send, in bytes.
        public var maxFrameBytes = 64 * 1024
        /// Largest cell value, in bytes of UTF-8.
        public var maxValueBytes = 32 * 1024
        /// Frames queued for one client before it is dropped as too slow.
        public var outboundQueueFrames = 4096
        /// Bytes queued for one client (frames not yet handed to its socket) before it is dropped
        /// as too slow: frames range from tens of bytes to large welcomes and 32 KiB values.
        public var outboundQueueBytes = 16 * 1024 * 1024
        /// Largest history page.
        public var maxHistoryPage = 1000
        /// How long a session the server ends may take to receive its last frames (the error
        /// that says why) before the connection closes anyway.
        public var closeGrace: Duration = .seconds(2)
        public init() {}
    }

    public struct PersisterConfiguration: Sendable {
        /// Most log entries written to MySQL in one transaction.
        public var batchSize = 1000
        /// How long one persister may hold a grid before another server takes over.
        public var leaseMilliseconds = 5000
        /// How long a durable watermark must age before the stream is trimmed below it, so the
        /// stream keeps a recent tail for history and for slow tails.
        public var trimAfter: Duration = .seconds(60)
        public init() {}
    }

    public init() {}
}
