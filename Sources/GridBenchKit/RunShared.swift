import Synchronization

/// What every client of one run shares: the fixed plan, and the start and stop signals.
final class RunShared: Sendable {
    let configuration: LoadConfiguration
    let run: String
    let grid: String
    let gridCount: Int
    let senderCount: Int
    /// The server index of each sender, by sender index.
    let senderServer: [Int]
    /// Clients whose login ended (welcomed or failed), to pace new connections.
    private let loginsEnded = Atomic<Int>(0)
    private let phase = Mutex<(startNanos: UInt64, started: Bool, stopped: Bool)>((0, false, false))

    init(configuration: LoadConfiguration, run: String, grid: String, senderServer: [Int]) {
        self.configuration = configuration
        self.run = run
        self.grid = grid
        self.gridCount = max(1, configuration.grids)
        self.senderCount = senderServer.count
        self.senderServer = senderServer
    }

    /// The grid client `index` works in.
    func grid(for index: Int) -> String { gridCount == 1 ? grid : "\(grid)-\(index % gridCount)" }

    /// The server client `index` connects to. Over several grids the clients of one grid go to
    /// different servers in turn (clients i and i + G share a grid), so every grid's edits cross
    /// servers, as they do within one grid.
    static func serverIndex(for index: Int, grids: Int, servers: Int) -> Int {
        grids <= 1 ? index % servers : (index + index / grids) % servers
    }

    /// The column a sender edits in spread mode: its own, among the senders of its grid.
    func column(ofSender sender: Int) -> Int { 1 + sender / gridCount }

    func loginEnded() { loginsEnded.add(1, ordering: .relaxed) }
    var loginsEndedCount: Int { loginsEnded.load(ordering: .relaxed) }

    var startNanos: UInt64 { phase.withLock { $0.startNanos } }

    func start() { phase.withLock { $0 = (BenchClock.now(), true, false) } }
    func stop() { phase.withLock { $0.stopped = true } }

    // Polled rather than signalled: a wait must end when its connection's task group is
    // cancelled, and a few wake-ups per second per client cost nothing next to the load.
    func waitForStart() async throws {
        while !phase.withLock({ $0.started }) { try await Task.sleep(for: .milliseconds(5)) }
    }

    func waitForStop() async throws {
        while !phase.withLock({ $0.stopped }) { try await Task.sleep(for: .milliseconds(100)) }
    }
}
