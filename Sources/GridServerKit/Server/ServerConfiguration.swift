import Shared
import GridAuth

/// Everything a grid-server needs to run, with a default for every field.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var serverID = "grid-1"
    public var redisURL = "redis://127.0.0.1:16379"
    /// Replicas that must have an edit (`WAIT`) before it is acked; 0: acked once the master has it.
    public var redisWaitReplicas = 0
    public var mysqlURL = "mysql://root@127.0.0.1:13306/collabgrid"
    /// Where session records wait when neither Redis nor MySQL can take them.
    public var spoolDirectory = ".grid-spool"
    /// How often this server renews its heartbeat, and how long it lives without renewal.
    public var heartbeatInterval: Duration = .seconds(1)
    public var heartbeatTTLMilliseconds = 5000
    /// A Redis reply later than this makes the server probe Redis; while Redis answers, the
    /// reply is slow and waited for, not a lost Redis (docs/FAILURES.md, "Slow is not lost").
    public var redisCommandTimeout: Duration = .seconds(5)
    /// How long Redis may stay silent, probe unanswered, before it counts as lost.
    public var redisProbeTimeout: Duration = .seconds(30)
    /// Whether this server takes part in persisting grids to MySQL (any one server suffices).
    public var persist = true
    /// Who may connect. Nil refuses to start: a server never runs without tokens by accident.
    public var authentication: Authentication? = nil
    /// PEM certificate chain and key; when set, clients connect with wss://.
    public var tls: TLSFiles? = nil
    public var limits = Limits()
    public var persister = PersisterConfiguration()
    /// How long a grid's hub (and its tail) stays after its last session here left.
    public var hubLinger: Duration = .seconds(10)
    /// Connections that tail the grids with sessions here, each reading many grids at once.
    public var tailConnections = 8
    /// A grid nobody used for this long, with every entry in MySQL, leaves Redis; nil keeps all.
    public var idleEvictAfter: Duration? = .seconds(3600)

    /// What one client may ask of a server. Every limit is answered with its own error code
    /// (docs/PROTOCOL.md §9); docs/SECURITY.md ("Limits and hostile input") lists them with their defaults and flags.
    public struct Limits: Sendable {
        /// Largest message a client may send, in bytes; a larger one is answered with
        /// `frame_too_large` and dropped, and the session goes on.
        public var maxFrameBytes = 64 * 1024
        /// Largest single WebSocket frame the server reads at all. A larger one is refused by the
        /// WebSocket layer before it is buffered: the connection closes with code 1009.
        public var closeFrameBytes = 1024 * 1024
        /// Largest cell value, in bytes of UTF-8 (`value_too_large`).
        public var maxValueBytes = 32 * 1024
        /// Grid bounds: columns (A = 1, at most XFD = 16,384) and rows (at most 1,048,576) (`bad_cell`).
        public var maxColumns = CellAddress.maxColumns
        public var maxRows = CellAddress.maxRows
        /// Longest user and grid names, in bytes (`bad_name`).
        public var maxUserNameBytes = 32
        public var maxGridNameBytes = 64
        /// Edits (set, clear, resolve) one session may make per second, and how many it may make
        /// at once after a pause (`rate_limited`).
        public var editsPerSecond = 100.0
        public var editBurst = 500
        /// Multi-cell edits (paste, fill, sort, undo, import chunks): the largest message, in
        /// bytes, the most cells in one, and the cells one session may write per second and at
        /// once after a pause, a budget apart from single edits' (`frame_too_large`,
        /// `too_many_cells`, `rate_limited`).
        public var maxMultiFrameBytes = 2 * 1024 * 1024
        public var maxMultiCells = 10_000
        public var multiCellsPerSecond = 100_000.0
        public var multiCellBurst = 200_000
        /// Sessions one user may have on this server, and sessions this server serves (`too_many_sessions`).
        public var maxSessionsPerUser = 100
        public var maxSessions = 10_000
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

        /// Whether `cell` lies within this server's grid bounds.
        public func contains(_ cell: CellAddress) -> Bool {
            cell.column < maxColumns && cell.row < maxRows
        }

        /// The bounds as a person reads them, e.g. "A1 to XFD1048576".
        public var boundsDescription: String {
            let last = CellAddress(column: maxColumns - 1, row: maxRows - 1)?.description ?? "XFD1048576"
            return "A1 to \(last)"
        }
    }

    public enum Authentication: Sendable {
        /// Every hello must carry a token this verifier accepts.
        case tokens(TokenVerifier)
        /// Local development only (`--insecure-no-auth`): no token is checked, everyone is an
        /// editor and acts as the user it names.
        case disabled
    }

    public struct TLSFiles: Sendable {
        public var certificateChainPath: String
        public var privateKeyPath: String
        public init(certificateChainPath: String, privateKeyPath: String) {
            self.certificateChainPath = certificateChainPath
            self.privateKeyPath = privateKeyPath
        }
    }

    public struct PersisterConfiguration: Sendable {
        /// Most log entries written to MySQL in one transaction.
        public var batchSize = 1000
        /// Grids this server persists at once: a fixed pool, whatever the number of grids. They
        /// are tasks, not threads: they share the Redis connections, and their MySQL writes are
        /// committed together (`GroupCommit`), so a pool this size costs no connections.
        public var workers = 32
        /// How long one persister may hold a grid before another server takes over.
        public var leaseMilliseconds = 5000
        /// How long a durable watermark must age before the stream is trimmed below it, so the
        /// stream keeps a recent tail for history and for slow tails.
        public var trimAfter: Duration = .seconds(60)
        /// How long an op's outcome stays in Redis once the op is durable, for clients that
        /// resend it without the `resend` mark (docs/PROTOCOL.md §6). After that MySQL answers
        /// marked resends; `grid:{g}:outcomes` holds only this window of ops.
        public var opsGrace: Duration = .seconds(300)
        public init() {}

        var opsGraceMilliseconds: Int64 {
            let (seconds, attoseconds) = opsGrace.components
            return seconds * 1000 + attoseconds / 1_000_000_000_000_000
        }
    }

    public init() {}
}
