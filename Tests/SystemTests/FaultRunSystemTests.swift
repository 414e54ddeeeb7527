import Foundation
import MySQLClient
import TestSupport
import Testing

/// A seeded random fault run: continuous edits from several clients on three servers while
/// servers, Redis and MariaDB are killed and restarted at random moments. It prints its seed;
/// `GRID_FAULT_SEED=<seed> scripts/test --filter FaultRun` replays the same schedule.
@Suite(.serialized)
struct FaultRunSystemTests {
    enum Fault: CaseIterable { case server, redis, mysql }

    @Test func seededRandomFaultsLoseNothingAcknowledged() async throws {
        let seed = SystemHarness.environment["GRID_FAULT_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...999_999)
        print("fault run seed: \(seed) (replay with GRID_FAULT_SEED=\(seed))")
        var random = SplitMix64(state: seed)
        let directory = SystemHarness.temporaryDirectory("faults-\(seed)")
        let grid = "faults-\(seed)-\(UUID().uuidString.prefix(4).lowercased())"
        let ids = (0..<3).map { "fr\($0)-\(UUID().uuidString.prefix(4))" }
        let ports = ids.map { _ in SystemHarness.freePort() }
        var servers = try ids.indices.map { try ServerProcess(id: ids[$0], directory: directory, port: ports[$0]) }
        defer { servers.forEach { $0.kill() } }
        for server in servers { try await server.waitUntilListening() }
        let urls = servers.map(\.url)
        let clients = try ["oli", "pam", "quin"].enumerated().map { index, user in
            try HeadlessClient(user: user, grid: grid, servers: Array(urls[index...] + urls[..<index]), directory: directory)
        }
        var redisUp = true
        var mysqlUp = true
        var restored = false
        defer {
            if !restored {
                ServiceScripts.restore("redis")
                ServiceScripts.restore("mysql")
            }
        }

        // About 60 s of edits, with a fault (or a recovery) every 2–5 s.
        let cells = ["A1", "A2", "B1", "B2", "C1", "C2"]
        let end = ContinuousClock.now + .seconds(60)
        var nextFault = ContinuousClock.now + .seconds(Int.random(in: 2...5, using: &random))
        var step = 0
        var schedule: [String] = []
        while ContinuousClock.now < end {
            step += 1
            for client in clients {
                client.send("set \(cells.randomElement(using: &random)!) \(client.user) \(step)\n")
            }
            if ContinuousClock.now >= nextFault {
                switch Fault.allCases.randomElement(using: &random)! {
                case .server:
                    let index = Int.random(in: 0..<servers.count, using: &random)
                    servers[index].kill()
                    try await Task.sleep(for: .milliseconds(Int.random(in: 300...2000, using: &random)))
                    servers[index] = try ServerProcess(id: ids[index], directory: directory, port: ports[index])
                    schedule.append("restart server \(index)")
                case .redis:
                    if redisUp { try await SystemHarness.services("kill", "redis") } else { try await SystemHarness.services("start", "redis") }
                    redisUp.toggle()
                    schedule.append(redisUp ? "start redis" : "kill redis")
                case .mysql:
                    if mysqlUp { try await SystemHarness.services("kill", "mysql") } else { try await SystemHarness.services("start", "mysql") }
                    mysqlUp.toggle()
                    schedule.append(mysqlUp ? "start mysql" : "kill mysql")
                }
                nextFault = ContinuousClock.now + .seconds(Int.random(in: 2...5, using: &random))
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        print("fault run schedule: \(schedule.joined(separator: ", "))")
        try await SystemHarness.services("start", "redis")
        try await SystemHarness.services("start", "mysql")
        restored = true
        for server in servers { try await server.waitUntilListening() }

        try await HeadlessClient.converge(clients)
        for client in clients { client.send("settle 90000\ndump\necho done\n") }
        for client in clients { try await client.waitFor("done", timeout: .seconds(120)) }
        for client in clients { client.send("quit\n") }
        for client in clients {
            try await client.finish()
            #expect(client.exitCode == 0, "seed \(seed): \(client.user): \(client.stderr)")
        }
        let mysql = try SystemHarness.mysqlClient()
        defer { Task { await mysql.shutdown() } }
        try await FailureChecks.assertRecovered(grid: grid, clients: clients, mysql: mysql)
        let drained = try await SystemHarness.eventually { servers.allSatisfy { $0.spoolDepth == 0 } }
        #expect(drained, "seed \(seed): every spool drains")
        for server in servers { await server.stop() }
    }
}
