/// One load scenario: C clients spread over the servers, S of them sending edits at a total rate.
public struct LoadConfiguration: Sendable {
    /// WebSocket URLs; client i connects to `servers[i % servers.count]`.
    public var servers: [String]
    public var clients = 10
    public var senders = 2
    /// Edits per second over all senders; 0 sends as fast as `maxInFlight` allows.
    public var rate: Double = 100
    public var duration: Duration = .seconds(5)
    /// 0: every sender edits its own column of cells (no conflicts); K > 0: every sender edits one
    /// of K shared cells in column A, based on the version it last saw (conflicts).
    public var hotCells = 0
    /// Edits one sender may have unanswered at once.
    public var maxInFlight = 64
    /// Rows per sender column in spread mode.
    public var spreadRows = 1000
    /// N > 0: every edit is one multi-cell edit of N cells (a block of the sender's column), as a
    /// paste is; spread mode only. 0: single-cell edits.
    public var multiCells = 0
    /// The grid to edit; a fresh one per run by default, so cells start unwritten.
    public var grid: String?
    /// Clients spread over this many grids (client i on grid i mod G, named `<grid>-<i mod G>`);
    /// deliveries, loss and agreement are counted per grid.
    public var grids = 1
    /// Extra clients on the first server that log in and then never read again (slow clients);
    /// they are left out of the delivery and loss figures.
    public var stalled = 0
    /// Logins in progress at once; 0 connects every client at the same moment (a login storm).
    public var loginConcurrency = 0
    public var hello = HelloFactory()
    /// How long to wait after sending for every answer, delivery and durable watermark.
    public var drainTimeout: Duration = .seconds(30)
    /// When set, Redis's connected clients are read at the end of the sending window.
    public var redisURL: String?
    /// Print progress to stderr once a second.
    public var progress = false

    public init(servers: [String]) { self.servers = servers }
}
