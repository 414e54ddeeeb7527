import ArgumentParser
import EventLoopMain
import Foundation
import GridAuth
import GridBenchKit
import Logging
import MySQLClient
import RedisClient

/// `grid-bench`: a load generator that speaks the real protocol to real grid-servers.
@main
struct GridBench: EventLoopMain {
    static let configuration = CommandConfiguration(
        commandName: "grid-bench",
        abstract: "Load generator and login timer for grid-servers.",
        subcommands: [Load.self, Login.self, Grids.self, Footprint.self, Formulas.self],
        defaultSubcommand: Load.self
    )
}

struct Common: ParsableArguments {
    @Option(name: .customLong("server"), help: "a server's WebSocket URL (ws://HOST:PORT/ws); repeat for several")
    var servers: [String] = []

    @Option(help: "access token sent in hello by every client (default $GRID_TOKEN); without it each client gets its own token, signed with the servers' secret")
    var token: String?

    @Option(name: .customLong("token-secret-file"), help: "file with the servers' token secret(s), to mint a token per client (default $GRID_TOKEN_SECRET_FILE, else $GRID_TOKEN_SECRET)")
    var tokenSecretFile: String?

    @Flag(help: "print the results as JSON on stdout")
    var json = false

    @Option(help: "diagnostics on stderr: trace … critical")
    var logLevel: String = "error"

    func logger() -> Logger {
        var logger = Logger(label: "grid-bench")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .error
        return logger
    }

    /// One token for everybody if given, else a token per client from the servers' secret.
    func hello() throws -> HelloFactory {
        let environment = ProcessInfo.processInfo.environment
        if let token = token ?? environment["GRID_TOKEN"] { return HelloFactory(token: token) }
        do {
            return HelloFactory(signer: try TokenSecrets.keyring(file: tokenSecretFile, environment: environment).map(TokenSigner.init))
        } catch {
            throw ValidationError(error.message)
        }
    }

    func validateServers() throws {
        guard !servers.isEmpty else { throw ValidationError("give at least one --server ws://HOST:PORT/ws") }
    }
}

struct Load: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "C clients, S of them sending edits at a total rate R for D seconds.")

    @OptionGroup var common: Common
    @Option(name: [.customShort("c"), .long], help: "clients, spread over the servers") var clients = 10
    @Option(name: [.customShort("s"), .long], help: "how many of the clients send edits") var senders = 2
    @Option(name: [.customShort("r"), .long], help: "edits per second over all senders; 0 = as fast as --max-in-flight allows") var rate: Double = 100
    @Option(name: [.customShort("d"), .long], help: "seconds of sending") var duration: Double = 5
    @Option(help: "edit K shared hot cells (conflicts); 0 = each sender its own cells") var hot = 0
    @Option(help: "unanswered edits one sender may have") var maxInFlight = 64
    @Option(help: "N > 0: every edit is one multi-cell edit of N cells, as a paste (spread mode only)") var multiCells = 0
    @Option(help: "extra clients on the first server that log in and never read again") var stalled = 0
    @Option(help: "grid name (default: a fresh bench-<run> grid)") var grid: String?
    @Option(help: "spread the clients over this many grids, named <grid>-<i> (as `grid-bench grids` seeds them)") var grids = 1
    @Option(help: "logins in progress at once (0: all clients connect at the same moment)") var loginConcurrency = 0
    @Option(help: "seconds to wait after sending for answers, deliveries and durability") var drainTimeout: Double = 30
    @Option(name: .customLong("pid"), help: "NAME=PID of a process to measure (CPU%, RSS); repeat") var pids: [String] = []
    @Option(help: "also measure the Redis and MariaDB whose pid files are under this services state folder (e.g. .state)") var stateDir: String?
    @Flag(help: "progress on stderr once a second") var progress = false
    @Flag(name: .customLong("redis-memory"), help: "report Redis memory before and after the run: used_memory (INFO memory) and the --grid's keys (MEMORY USAGE), via $REDIS_URL or --redis-url")
    var redisMemory = false
    @Option(help: "Redis for --redis-memory and --redis-clients (default $REDIS_URL)") var redisURL: String?
    @Flag(name: .customLong("redis-clients"), help: "report Redis's connected_clients at the end of sending (INFO clients), via $REDIS_URL or --redis-url") var redisClients = false
    @Option(help: "with --redis-memory: seconds to wait after the run before reading used_memory (let the servers trim)") var redisMemorySettle: Double = 0
    @Flag(name: .customLong("no-events"), help: "write-only sessions: clients get answers and the durable watermark but no events (measures the sequencer without fan-out)") var noEvents = false

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        try common.validateServers()
        var configuration = LoadConfiguration(servers: common.servers)
        configuration.clients = clients
        configuration.senders = senders
        configuration.rate = rate
        configuration.duration = .milliseconds(Int64(duration * 1000))
        configuration.hotCells = hot
        configuration.multiCells = multiCells
        if multiCells > 0 && hot > 0 { throw ValidationError("--multi-cells works with each sender's own cells; leave out --hot") }
        // Enough blocks that the window, not the column, limits what is in flight.
        if multiCells > 0 { configuration.spreadRows = max(configuration.spreadRows, multiCells * (maxInFlight + 2)) }
        configuration.maxInFlight = maxInFlight
        configuration.stalled = stalled
        configuration.grid = grid
        configuration.grids = grids
        configuration.loginConcurrency = loginConcurrency
        configuration.drainTimeout = .milliseconds(Int64(drainTimeout * 1000))
        configuration.hello = try common.hello()
        configuration.hello.events = !noEvents
        configuration.progress = progress
        var processes = try parsePIDs(pids)
        if let stateDir { processes += ProcessSampler.services(stateDir: stateDir) }
        let memoryURL = redisMemory ? redisURL ?? ProcessInfo.processInfo.environment["REDIS_URL"] : nil
        if redisMemory && memoryURL == nil { throw ValidationError("--redis-memory needs --redis-url or REDIS_URL") }
        if redisClients {
            guard let url = redisURL ?? ProcessInfo.processInfo.environment["REDIS_URL"] else { throw ValidationError("--redis-clients needs --redis-url or REDIS_URL") }
            configuration.redisURL = url
        }
        if redisMemory && grid == nil { throw ValidationError("--redis-memory needs --grid, the grid whose keys it measures") }
        var before: RedisMemory?
        if let memoryURL, let grid { before = try await RedisMemory.measure(url: memoryURL, grid: grid, logger: common.logger()) }
        var report = try await LoadRun(configuration: configuration, processes: processes, logger: common.logger()).run()
        if let memoryURL, let grid {
            if redisMemorySettle > 0 { try await Task.sleep(for: .milliseconds(Int64(redisMemorySettle * 1000))) }
            report.redisMemoryBefore = before
            report.redisMemoryAfter = try await RedisMemory.measure(url: memoryURL, grid: grid, logger: common.logger())
        }
        print(common.json ? try encode(report) : report.table)
    }
}

struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Seed a grid with N cells and H history entries, then time welcome.")

    @OptionGroup var common: Common
    @Option(help: "non-empty cells to seed") var cells = 1000
    @Option(help: "history entries to seed (at least --cells)") var history = 1000
    @Option(help: "logins to time") var logins = 5
    @Option(help: "an existing grid to log in to instead of seeding one") var grid: String?
    @Flag(name: .customLong("new-grids"), help: "log in to a grid that does not exist yet each time (the cost of a first login); seeds nothing") var newGrids = false
    @Option(help: "Redis for seeding (default $REDIS_URL)") var redisURL: String?
    @Option(help: "MySQL for seeding (default $MYSQL_URL)") var mysqlURL: String?

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        try common.validateServers()
        let logger = common.logger()
        var seeded: (String, Double)?
        if grid == nil && !newGrids {
            let name = "login-\(cells)-\(history)-\(String(UInt32.random(in: .min ... .max), radix: 16))"
            let start = Date()
            try await withSeedingClients(redisURL: redisURL, mysqlURL: mysqlURL, logger: logger) { redis, mysql in
                try await GridSeeder(redis: redis, mysql: mysql).seed(.init(grid: name, cells: cells, history: history))
            }
            seeded = (name, Date().timeIntervalSince(start))
        }
        let fresh = "fresh-\(String(UInt32.random(in: .min ... .max), radix: 16))"
        var run = LoginRun(server: common.servers[0], grid: grid ?? seeded?.0 ?? fresh, logger: logger)
        run.logins = logins
        run.newGrids = newGrids
        run.hello = try common.hello()
        var report = try await run.run()
        if let seeded {
            report.cells = cells
            report.history = history
            report.seedSeconds = seeded.1
        }
        print(common.json ? try encode(report) : report.table)
    }
}

struct Grids: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create many small grids fast, straight into Redis and MySQL: <prefix>-0 … <prefix>-(N-1), one durable edit each."
    )

    @Option(help: "grids to create") var count = 1000
    @Option(help: "grid names are <prefix>-<i>") var prefix = "many"
    @Option(help: "the first index to create (to add to grids made before)") var first = 0
    @Option(help: "Redis (default $REDIS_URL)") var redisURL: String?
    @Option(help: "MySQL (default $MYSQL_URL)") var mysqlURL: String?
    @Flag(help: "print the results as JSON on stdout") var json = false

    func run() async throws {
        guard count >= 1, first >= 0 else { throw ValidationError("--count must be at least 1 and --first at least 0") }
        let start = Date()
        let (prefix, first, total) = (self.prefix, self.first, self.count)
        var logger = Logger(label: "grid-bench")
        logger.logLevel = .error
        try await withSeedingClients(redisURL: redisURL, mysqlURL: mysqlURL, logger: logger) { redis, mysql in
            try await ManyGridsSeeder(redis: redis, mysql: mysql).seed(prefix: prefix, first: first, count: total) { done in
                if done % 10_000 == 0 || done == total { FileHandle.standardError.write(Data("grid-bench: \(done)/\(total) grids\n".utf8)) }
            }
        }
        let seconds = Date().timeIntervalSince(start)
        let report = GridsReport(prefix: prefix, first: first, count: count, seconds: seconds)
        print(json ? try encode(report) : "created \(count) grids \(prefix)-\(first) … \(prefix)-\(first + count - 1) in \(String(format: "%.1f", seconds)) s")
    }
}

struct GridsReport: Codable {
    var prefix: String
    var first: Int
    var count: Int
    var seconds: Double
}

struct Footprint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What processes and Redis cost over a window with no load of grid-bench's own: CPU, RSS, threads and files of each --pid, Redis's clients and commands/s."
    )

    @Option(name: .customLong("pid"), help: "NAME=PID of a process to measure; repeat") var pids: [String] = []
    @Option(help: "seconds to watch") var seconds: Double = 10
    @Option(help: "Redis (default $REDIS_URL)") var redisURL: String?
    @Flag(help: "print the results as JSON on stdout") var json = false

    func run() async throws {
        let processes = try parsePIDs(pids)
        guard let url = redisURL ?? ProcessInfo.processInfo.environment["REDIS_URL"] else { throw ValidationError("footprint needs --redis-url or REDIS_URL") }
        var logger = Logger(label: "grid-bench")
        logger.logLevel = .error
        let sampler = ProcessSampler(processes: processes)
        // Two reads back to back give what one read itself costs Redis (its connection's setup, INFO).
        let redisFirst = try await RedisStats.read(url: url, logger: logger)
        let redisBefore = try await RedisStats.read(url: url, logger: logger)
        let overhead = redisBefore.commandsProcessed - redisFirst.commandsProcessed
        let before = sampler.sample()
        let clock = ContinuousClock()
        let started = clock.now
        try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
        let after = sampler.sample()
        let redisAfter = try await RedisStats.read(url: url, logger: logger)
        let elapsed = Double((clock.now - started).components.attoseconds) / 1e18 + Double((clock.now - started).components.seconds)
        let report = FootprintReport(
            seconds: elapsed, processes: sampler.usage(from: before, to: after, seconds: elapsed),
            redisConnectedClients: redisAfter.connectedClients,
            redisCommandsPerSecond: Double(redisAfter.commandsProcessed - redisBefore.commandsProcessed - overhead) / elapsed
        )
        print(json ? try encode(report) : report.table)
    }
}

struct FootprintReport: Codable {
    var seconds: Double
    var processes: [ProcessUsage]
    var redisConnectedClients: Int
    var redisCommandsPerSecond: Double

    var table: String {
        var lines = [
            "window                      \(String(format: "%.1f", seconds)) s",
            "redis                       \(redisConnectedClients) clients connected, \(String(format: "%.1f", redisCommandsPerSecond)) commands/s",
        ]
        for process in processes {
            lines.append(
                "process \(process.name)".padding(toLength: 28, withPad: " ", startingAt: 0)
                    + "cpu \(String(format: "%.2f", process.cpuPercent))%  rss \(String(format: "%.1f", process.rssMiB)) MiB  threads \(process.threads)  fds \(process.fileDescriptors)"
            )
        }
        return lines.joined(separator: "\n")
    }
}

/// Runs `body` with clients of the Redis and MySQL to seed (default $REDIS_URL and $MYSQL_URL),
/// and shuts them down after it, thrown or not.
func withSeedingClients(
    redisURL: String?, mysqlURL: String?, logger: Logger, _ body: @Sendable (RedisClient, MySQLClient) async throws -> Void
) async throws {
    let environment = ProcessInfo.processInfo.environment
    guard let redisURL = redisURL ?? environment["REDIS_URL"], let mysqlURL = mysqlURL ?? environment["MYSQL_URL"] else {
        throw ValidationError("seeding needs --redis-url and --mysql-url (or REDIS_URL and MYSQL_URL; `source .state/services.env`)")
    }
    let redis = RedisClient(configuration: try RedisConfiguration(url: redisURL), logger: logger)
    let mysql = MySQLClient(configuration: try MySQLConfiguration(url: mysqlURL), logger: logger)
    do {
        try await body(redis, mysql)
    } catch {
        await redis.shutdown()
        await mysql.shutdown()
        throw error
    }
    await redis.shutdown()
    await mysql.shutdown()
}

/// `--pid NAME=PID` options.
func parsePIDs(_ specs: [String]) throws -> [(name: String, pid: Int32)] {
    try specs.map { spec in
        let parts = spec.split(separator: "=", maxSplits: 1)
        guard parts.count == 2, let pid = Int32(parts[1]) else { throw ValidationError("--pid takes NAME=PID, e.g. --pid server-a=1234") }
        return (String(parts[0]), pid)
    }
}

struct Formulas: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time the formula engine: load 100,000 cells with 20,000 formulas, then edit a cell with 1,000 dependents."
    )

    @Option(help: "loads to time (the fastest is reported)") var loads = 5
    @Option(help: "edits of the chain's root to time") var edits = 500
    @Flag(help: "print JSON instead of a table") var json = false

    func run() async throws {
        let report = FormulaBenchmark.run(loads: loads, edits: edits)
        print(json ? try encode(report) : report.summary)
    }
}

func encode(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
