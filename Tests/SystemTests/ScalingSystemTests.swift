import Foundation
import MySQLClient
import RedisClient
import Testing

/// Issue 11: a server's cost follows the grids in use, not the grids that exist. 5,000 grids
/// exist; 1,000 of them are edited through one real server at once, a client each. Its threads
/// and Redis connections stay under the bounds of docs/SCALING.md, every edit becomes durable,
/// and SIGTERM ends it cleanly. Stop time and speed belong to the benchmark, not here.
@Suite(.serialized)
struct ScalingSystemTests {
    static let grids = 5000
    static let active = 1000

    @Test(.timeLimit(.minutes(5))) func fiveThousandGridsKeepAServersCostsBoundedAndEveryEditDurable() async throws {
        let directory = SystemHarness.temporaryDirectory("scaling")
        let prefix = "scale-\(UUID().uuidString.prefix(8).lowercased())"
        let seeded = try await GridBenchSmokeTests.bench(
            ["grids", "--count", String(Self.grids), "--prefix", prefix, "--json", "--redis-url", SystemHarness.redisURL, "--mysql-url", SystemHarness.mysqlURL],
            directory: directory
        )
        #expect(seeded["count"] as? Int == Self.grids)

        let server = try ServerProcess(id: "scale-\(UUID().uuidString.prefix(4))", directory: directory, extraArguments: ["--hub-linger", "2"])
        defer { server.kill() }
        try await server.waitUntilListening()

        // A client on each active grid, every one of them sending: two edits per grid.
        let report = try await GridBenchSmokeTests.bench([
            "load", "--server", server.url, "--grid", prefix, "--grids", String(Self.active), "--clients", String(Self.active),
            "--senders", String(Self.active), "--rate", "1000", "--duration", "2", "--login-concurrency", "100", "--drain-timeout", "90",
            "--pid", "server=\(server.pid)", "--redis-clients", "--redis-url", SystemHarness.redisURL, "--json",
        ], directory: directory)
        #expect(report["loggedIn"] as? Int == Self.active)
        let accepted = try #require(report["accepted"] as? Int)
        #expect(accepted >= Self.active, "about two edits per active grid were accepted: \(accepted)")
        #expect(report["unanswered"] as? Int == 0)
        #expect(report["notDurable"] as? Int == 0, "every accepted edit became durable")
        #expect(report["lost"] as? Int == 0)
        #expect(report["clientsAgree"] as? Bool == true)

        // The bounds, with 5,000 grids and 1,000 sessions on 1,000 of them (docs/SCALING.md).
        let processes = try #require(report["processes"] as? [[String: Any]])
        let usage = try #require(processes.first { $0["name"] as? String == "server" })
        let threads = try #require(usage["threads"] as? Int)
        #expect(threads > 0 && threads <= 64, "server threads: \(threads)")
        // On a Redis Cluster a server also tails each slot that has grids with sessions on a
        // connection of its own (docs/SCALING.md): the bound grows with the active grids' slots.
        let configuration = try RedisConfiguration(url: SystemHarness.redisURL)
        let tails = configuration.isCluster ? Set((0..<Self.active).map { RedisSlot.of("grid:{\(prefix)-\($0)}:log") }).count : 0
        let redisClients = try #require((report["redis"] as? [String: Any])?["connectedClients"] as? Int)
        #expect(redisClients <= 64 + tails + Self.active / 1000, "Redis clients while the sessions were on: \(redisClients)")
        let named = try Self.redisClients(named: "grid-server:\(server.id)", configuration: configuration)
        #expect(named > 0 && named <= 64 + tails, "the server's own Redis connections: \(named), \(tails) of them tails")

        // Every edit is in MySQL: the seeded one and each accepted one, per grid.
        let mysql = try SystemHarness.mysqlClient()
        defer { Task { await mysql.shutdown() } }
        let rows = try await mysql.query("SELECT COUNT(*) AS n FROM ops WHERE grid LIKE ? AND kind = 'set'", [.text("\(prefix)-%")])
        #expect(rows.first?["n"].int == Int64(Self.grids + accepted), "ops rows: \(rows.first?["n"].int ?? -1)")

        // The bench's sessions have ended; their closes reach MySQL through the persister.
        let closed = try await SystemHarness.eventually(timeout: .seconds(90)) {
            try await mysql.query("SELECT COUNT(*) AS n FROM sessions WHERE server = ? AND status = 'open'", [.text(server.id)]).first?["n"].int == 0
        }
        #expect(closed, "the bench's sessions are recorded closed")

        // SIGTERM while sessions are on: the server ends cleanly and leaves no session open.
        let clients = try (0..<3).map { index in
            try HeadlessClient(user: "stay\(index)", grid: "\(prefix)-\(index)", servers: [server.url], directory: directory)
        }
        for client in clients {
            client.send("sync\necho in\n")
            try await client.waitFor("in")
        }
        let logBefore = server.log.utf8.count
        await server.stop()
        #expect(!server.isRunning)
        #expect(server.exitCode == 0, "exit status \(server.exitCode); log:\n\(server.log.suffix(3000))")
        let stopping = String(decoding: server.log.utf8.dropFirst(logBefore), as: UTF8.self)
        #expect(!stopping.contains(" warning ") && !stopping.contains(" error "), "stopping is not a warning:\n\(stopping.suffix(3000))")
        let open = try await mysql.query("SELECT COUNT(*) AS n FROM sessions WHERE server = ? AND status = 'open'", [.text(server.id)])
        #expect(open.first?["n"].int == 0, "sessions left open")
        for client in clients { await client.terminate() }
    }

    /// Connections Redis has from clients that named themselves `name` (`CLIENT SETNAME`); on a
    /// cluster, summed over every node that `CLUSTER NODES` lists.
    static func redisClients(named name: String, configuration: RedisConfiguration) throws -> Int {
        var nodes = [RedisNodeAddress(host: configuration.host, port: configuration.port)]
        if let seed = configuration.clusterSeeds.first {
            nodes = RedisNodeAddress.listed(inClusterNodes: try redisCLI(configuration, at: seed, ["CLUSTER", "NODES"]))
        }
        return try nodes.reduce(0) { total, node in
            let list = try redisCLI(configuration, at: node, ["CLIENT", "LIST"])
            return total + list.split(separator: "\n").filter { $0.contains(" name=\(name) ") }.count
        }
    }

    static func redisCLI(_ configuration: RedisConfiguration, at node: RedisNodeAddress, _ arguments: [String]) throws -> String {
        let cli = Process()
        cli.executableURL = URL(fileURLWithPath: "/usr/bin/redis-cli")
        var environment = ProcessInfo.processInfo.environment
        if let password = configuration.password { environment["REDISCLI_AUTH"] = password }
        cli.environment = environment
        cli.arguments = ["-h", node.host, "-p", String(node.port)] + arguments
        let output = Pipe()
        cli.standardOutput = output
        try cli.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        cli.waitUntilExit()
        return text
    }
}
