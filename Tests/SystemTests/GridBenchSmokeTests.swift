import Foundation
import Testing

/// A seconds-long run of the real `grid-bench` against two real servers: it proves the load
/// generator works and that nothing is lost. Benchmarks are not tests: no timing is asserted.
@Suite(.serialized)
struct GridBenchSmokeTests {
    @Test func loadRunLosesNothingAndAllClientsAgree() async throws {
        let directory = SystemHarness.temporaryDirectory("bench")
        let serverA = try ServerProcess(id: "benchA-\(UUID().uuidString.prefix(4))", directory: directory)
        let serverB = try ServerProcess(id: "benchB-\(UUID().uuidString.prefix(4))", directory: directory)
        defer {
            serverA.kill()
            serverB.kill()
        }
        try await serverA.waitUntilListening()
        try await serverB.waitUntilListening()

        let report = try await Self.bench([
            "load", "--server", serverA.url, "--server", serverB.url, "--clients", "6", "--senders", "3", "--rate", "60",
            "--duration", "3", "--hot", "0", "--login-concurrency", "2", "--json", "--pid", "server-a=\(serverA.pid)", "--pid", "server-b=\(serverB.pid)",
            "--state-dir", SystemHarness.stateDirectory.path,
        ], directory: directory)
        #expect(report["loggedIn"] as? Int == 6)
        #expect(report["lost"] as? Int == 0)
        #expect(report["unanswered"] as? Int == 0)
        #expect(report["clientsAgree"] as? Bool == true)
        let accepted = try #require(report["accepted"] as? Int)
        #expect(accepted > 0 && report["conflicts"] as? Int == 0, "spread cells never conflict")
        // Every answered edit reached every client, the sender included.
        #expect(report["deliveries"] as? Int == accepted * 6)
        #expect((report["deliveriesPerSecond"] as? Double ?? 0) > 0)
        #expect(report["notDurable"] as? Int == 0)
        for name in ["ack", "deliverySameServer", "deliveryCrossServer", "durable"] {
            let summary = try #require(report[name] as? [String: Any], "no \(name) in the report")
            #expect((summary["count"] as? Int ?? 0) > 0, "\(name) recorded nothing")
            #expect((summary["p99"] as? Double ?? 0) > 0, "\(name) has no p99")
        }
        let processes = try #require(report["processes"] as? [[String: Any]])
        #expect(Set(processes.compactMap { $0["name"] as? String }).isSuperset(of: ["server-a", "server-b", "redis", "mariadb", "grid-bench"]))
        #expect(processes.allSatisfy { ($0["peakRSSMiB"] as? Double ?? 0) > 0 })
    }

    /// `--no-events`: write-only sessions get their answers and the durable watermark, and
    /// not one event, while the edits still reach MySQL.
    @Test func writeOnlySessionsGetAnswersAndNoEvents() async throws {
        let directory = SystemHarness.temporaryDirectory("bench-write-only")
        let server = try ServerProcess(id: "benchW-\(UUID().uuidString.prefix(4))", directory: directory)
        defer { server.kill() }
        try await server.waitUntilListening()

        let report = try await Self.bench([
            "load", "--server", server.url, "--clients", "4", "--senders", "4", "--rate", "400", "--duration", "2",
            "--no-events", "--json",
        ], directory: directory)
        #expect(report["loggedIn"] as? Int == 4)
        let accepted = try #require(report["accepted"] as? Int)
        #expect(accepted > 0 && report["unanswered"] as? Int == 0 && report["lost"] as? Int == 0)
        #expect(report["deliveries"] as? Int == 0, "a write-only session was sent events")
        #expect(report["notDurable"] as? Int == 0, "write-only sessions still see the durable watermark")
    }

    @Test func loginModeSeedsAGridAndTimesWelcome() async throws {
        let directory = SystemHarness.temporaryDirectory("bench-login")
        let server = try ServerProcess(id: "benchL-\(UUID().uuidString.prefix(4))", directory: directory)
        defer { server.kill() }
        try await server.waitUntilListening()

        let report = try await Self.bench([
            "login", "--server", server.url, "--cells", "1000", "--history", "2000", "--logins", "2", "--json",
            "--redis-url", SystemHarness.redisURL, "--mysql-url", SystemHarness.mysqlURL,
        ], directory: directory)
        let welcome = try #require(report["welcome"] as? [String: Any])
        #expect(welcome["count"] as? Int == 2)
        let grid = try #require(report["grid"] as? String)

        // The seeded grid is what a client sees: 1000 cells, each holding its last write, and history
        // from MySQL. Its welcome (about 100 KB) goes out as several WebSocket frames.
        let client = try HeadlessClient(user: "checker", grid: grid, servers: [server.url], directory: directory)
        client.send("dump\nhistory 3\necho done\nquit\n")
        try await client.waitFor("done")
        try await client.finish()
        let dump = try #require(client.objects.last { $0["cells"] != nil && $0["type"] == nil })
        let cells = try #require(dump["cells"] as? [String: String])
        #expect(cells.count == 1000)
        #expect(cells["A1"] == "v1000", "cell 0 is last written by entry 1000 of 2000")
        let history = client.objects.filter { $0["kind"] != nil && $0["type"] == nil }
        #expect(history.first?["value"] as? String == "v0")
    }

    /// Runs grid-bench and returns its JSON report.
    static func bench(_ arguments: [String], directory: URL) async throws -> [String: Any] {
        let output = directory.appendingPathComponent("bench-\(UUID().uuidString.prefix(6)).json").path
        // With the servers' secret, grid-bench mints each client's own token.
        let status = try await SystemHarness.run(
            [SystemHarness.binDirectory.appendingPathComponent("grid-bench").path] + arguments, output: output,
            extraEnvironment: ["GRID_TOKEN_SECRET": TestTokens.secret]
        )
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        #expect(status == 0, "grid-bench exited with wait status \(status): \(text)")
        let data = Data(text.utf8)
        return try #require((try? JSONSerialization.jsonObject(with: data)) as? [String: Any], "grid-bench printed no JSON: \(text)")
    }
}
