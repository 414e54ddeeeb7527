import Foundation
import MySQLClient
import Testing

/// Two real grid-servers, three real headless clients spread over them, real Redis and MariaDB.
@Suite(.serialized)
struct CollaborationSystemTests {
    @Test func threeClientsOnTwoServersConvergeAndEverythingAckedIsStoredOnce() async throws {
        try await collaborate(redis: [])
    }

    /// The same on the Redis Cluster of `scripts/services cluster up` (issue 14), with a password
    /// on every node: the grid's keys, scripts and tail on its slot's master, the servers' own
    /// keys (heartbeats, grid indexes, dirty marks) on theirs.
    @Test func theSameOnARedisCluster() async throws {
        let url = try #require(SystemHarness.environment["REDIS_CLUSTER_URL"], "REDIS_CLUSTER_URL is not set: `scripts/services cluster up`")
        try await collaborate(redis: ["--redis-url", url])
    }

    private func collaborate(redis: [String]) async throws {
        let directory = SystemHarness.temporaryDirectory("collab")
        let grid = "sys-\(UUID().uuidString.prefix(8).lowercased())"
        let serverA = try ServerProcess(id: "sysA-\(UUID().uuidString.prefix(4))", directory: directory, extraArguments: redis)
        let serverB = try ServerProcess(id: "sysB-\(UUID().uuidString.prefix(4))", directory: directory, extraArguments: redis)
        defer {
            serverA.kill()
            serverB.kill()
        }
        try await serverA.waitUntilListening()
        try await serverB.waitUntilListening()

        let clients = [
            try HeadlessClient(user: "ann", grid: grid, servers: [serverA.url], directory: directory),
            try HeadlessClient(user: "ben", grid: grid, servers: [serverB.url], directory: directory),
            try HeadlessClient(user: "cat", grid: grid, servers: [serverA.url, serverB.url], directory: directory),
        ]
        let hot = ["A1", "A2", "B1", "B2"]
        // All three start on the same event (Z1 set by a fourth client), so their edits of the hot
        // cells overlap and some conflict, however fast the servers answer each one.
        for (index, client) in clients.enumerated() {
            var script = "wait Z1 go 30000\n"
            for step in 0..<40 {
                let cell = step % 5 == 4 ? "C\(index + 1)" : hot[(step + index) % hot.count]
                if step % 13 == 12 {
                    script += "clear \(cell)\n"
                } else {
                    script += "set \(cell) \(client.user) \(step) with spaces\n"
                }
            }
            script += "sync 30000\necho phase1\n"
            client.send(script)
        }
        let starter = try HeadlessClient(user: "dan", grid: grid, servers: [serverB.url], directory: directory)
        starter.send("set Z1 go\nsync 30000\nquit\n")
        try await starter.finish()
        #expect(starter.exitCode == 0, "dan exited \(starter.exitCode): \(starter.stderr)")
        for client in clients { try await client.waitFor("phase1") }
        try await HeadlessClient.converge(clients)
        for client in clients { client.send("dump\nusers\necho phase2\n") }
        for client in clients { try await client.waitFor("phase2") }
        clients[0].send("history 100000\necho phase3\n")
        try await clients[0].waitFor("phase3")
        for client in clients { client.send("quit\n") }
        for client in clients {
            try await client.finish()
            #expect(client.exitCode == 0, "\(client.user) exited \(client.exitCode): \(client.stderr)")
        }

        // Every client ends with the same cells, versions and contested cells.
        let dumps = try clients.map { client in try #require(client.objects.last { $0["cells"] != nil }, "\(client.user) printed no dump") }
        let cells = dumps.map { $0["cells"] as? [String: String] ?? [:] }
        let versions = dumps.map { $0["versions"] as? [String: String] ?? [:] }
        let contested = dumps.map { $0["conflicts"] as? [String] ?? [] }
        #expect(cells[0] == cells[1] && cells[1] == cells[2])
        #expect(versions[0] == versions[1] && versions[1] == versions[2])
        #expect(contested[0] == contested[1] && contested[1] == contested[2])
        #expect(!cells[0].isEmpty)

        // The last `users` output of every client listed all three, each on its own server.
        for client in clients {
            let users = try #require(client.objects.last { $0["users"] != nil }?["users"] as? [[String: Any]])
            #expect(Set(users.compactMap { $0["user"] as? String }) == ["ann", "ben", "cat"], "\(client.user) saw \(users)")
        }

        let acks = clients.flatMap { client in client.objects.filter { $0["type"] as? String == "ack" } }
        let conflicts = clients.flatMap { client in client.objects.filter { $0["type"] as? String == "conflict" } }
        #expect(acks.count + conflicts.count == 121, "every edit (and converge's last one) was answered exactly once")
        #expect(!conflicts.isEmpty, "overlapping edits must have produced conflicts")

        let mysql = try SystemHarness.mysqlClient()
        defer { Task { await mysql.shutdown() } }
        // Wait for the persister: every session closed and the watermark at the log's end.
        let persisted = try await SystemHarness.eventually(timeout: .seconds(30)) {
            let rows = try await mysql.query("SELECT status FROM sessions WHERE grid = ?", [.text(grid)])
            return rows.count == 4 && rows.allSatisfy { $0["status"].string == "closed" }
        }
        #expect(persisted, "every sessions row ends closed")

        // MySQL cells equal what the clients show.
        let cellRows = try await mysql.query("SELECT cell, value, version FROM cells WHERE grid = ? AND value IS NOT NULL", [.text(grid)])
        #expect(Dictionary(uniqueKeysWithValues: cellRows.map { ($0["cell"].string!, $0["value"].string!) }) == cells[0])
        #expect(Dictionary(uniqueKeysWithValues: cellRows.map { ($0["cell"].string!, $0["version"].string!) }) == versions[0])

        // Every acked write is in ops exactly once, at the version it was acked with.
        let ops = try await mysql.query("SELECT op_id, kind, id_ms, id_seq FROM ops WHERE grid = ? AND op_id IS NOT NULL", [.text(grid)])
        var byOp: [String: [String]] = [:]
        for row in ops { byOp[row["op_id"].string!, default: []].append("\(row["id_ms"].int!)-\(row["id_seq"].int!) \(row["kind"].string!)") }
        for ack in acks {
            let op = try #require(ack["op"] as? String)
            let stored = byOp[op] ?? []
            #expect(stored.count == 1, "op \(op) stored \(stored.count) times")
            #expect(stored.first?.hasPrefix("\(ack["version"] as? String ?? "?") ") == true)
        }
        // Every losing write was reported to its writer and is in the history as a conflict.
        let history = clients[0].objects.filter { $0["kind"] != nil && $0["type"] == nil }
        let historyConflicts = Set(history.filter { $0["kind"] as? String == "conflict" }.compactMap { $0["op"] as? String })
        for conflict in conflicts {
            let op = try #require(conflict["op"] as? String)
            #expect(byOp[op]?.first?.hasSuffix(" conflict") == true, "conflict \(op) is stored as a conflict event")
            #expect(historyConflicts.contains(op), "conflict \(op) appears in history")
        }
        // Cells still contested at the end are those whose last event in the log is a conflict.
        let lastEvents = try await mysql.query(
            """
            SELECT o.cell, o.kind FROM ops o
            JOIN (SELECT cell, MAX(CONCAT(LPAD(id_ms, 20, '0'), LPAD(id_seq, 20, '0'))) AS k FROM ops
                  WHERE grid = ? AND kind IN ('set', 'clear', 'conflict', 'resolve') GROUP BY cell) last
              ON o.cell = last.cell AND CONCAT(LPAD(o.id_ms, 20, '0'), LPAD(o.id_seq, 20, '0')) = last.k
            WHERE o.grid = ?
            """,
            [.text(grid), .text(grid)]
        )
        let expectedContested = lastEvents.filter { $0["kind"].string == "conflict" }.compactMap { $0["cell"].string }.sorted()
        #expect(contested[0] == expectedContested)
        await serverA.stop()
        await serverB.stop()
    }
}
