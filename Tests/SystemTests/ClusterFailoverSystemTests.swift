import Foundation
import MySQLClient
import TestSupport
import Testing

/// Issue 14 on the Redis Cluster of `scripts/services cluster up`: `kill -9` of the master that
/// holds a grid while its clients edit. The replica is promoted; the grid's sessions end with
/// `redis_unavailable`, reconnect and resend; a grid on another master carries on untouched; and
/// afterwards every acked edit is in MySQL exactly once, the clients agree with MySQL, and no
/// session is left open.
@Suite(.serialized)
struct ClusterFailoverSystemTests {
    static func masterOf(_ grid: String, directory: URL) async throws -> String {
        let out = directory.appendingPathComponent("master-of-\(grid)")
        let status = try await ServiceScripts.run(
            ["/bin/sh", "-c", "cd \"$0\" && exec scripts/services cluster master-of \"$1\"", ServiceScripts.repositoryRoot().path, grid], output: out.path
        )
        guard status == 0 else { throw HarnessError(message: "scripts/services cluster master-of \(grid) failed") }
        return try String(contentsOf: out, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aKilledMasterIsReplacedItsGridsResumeAndNothingAckedIsLost() async throws {
        let url = try #require(SystemHarness.environment["REDIS_CLUSTER_URL"], "REDIS_CLUSTER_URL is not set: `scripts/services cluster up`")
        let directory = SystemHarness.temporaryDirectory("cluster-failover")
        let run = UUID().uuidString.prefix(6).lowercased()
        // Two grids on two different masters.
        let victim = "cfv-\(run)"
        let victimNode = try await Self.masterOf(victim, directory: directory)
        var bystander = ""
        for index in 0..<64 where bystander.isEmpty {
            let grid = "cfb-\(run)-\(index)"
            if try await Self.masterOf(grid, directory: directory) != victimNode { bystander = grid }
        }
        try #require(!bystander.isEmpty)

        let redis = ["--redis-url", url]
        let serverA = try ServerProcess(id: "cfa-\(run)", directory: directory, extraArguments: redis)
        let serverB = try ServerProcess(id: "cfb-\(run)", directory: directory, extraArguments: redis)
        defer { serverA.kill(); serverB.kill() }
        try await serverA.waitUntilListening()
        try await serverB.waitUntilListening()
        let ivy = try HeadlessClient(user: "ivy", grid: victim, servers: [serverA.url, serverB.url], directory: directory)
        let jon = try HeadlessClient(user: "jon", grid: victim, servers: [serverB.url, serverA.url], directory: directory)
        let kim = try HeadlessClient(user: "kim", grid: bystander, servers: [serverA.url], directory: directory)
        let clients = [ivy, jon, kim]
        for client in clients { client.send("set A1 \(client.user) before\nsettle 30000\necho ready\n") }
        for client in clients { try await client.waitFor("ready") }

        // About four seconds of edits each; the kill lands in the middle.
        for client in clients {
            var script = ""
            for step in 0..<80 { script += "set B\(step % 10 + 1) \(client.user) \(step)\nsleep 50\n" }
            client.send(script + "sync 60000\necho edited\n")
        }
        try await Task.sleep(for: .seconds(1))
        try await SystemHarness.services("cluster", "kill", victimNode)
        var restored = false
        defer {
            if !restored { _ = ServiceScripts.runBlocking(["/bin/sh", "-c", "cd \"$0\" && exec scripts/services cluster start \"$1\"", ServiceScripts.repositoryRoot().path, victimNode]) }
        }
        for client in clients { try await client.waitFor("edited", timeout: .seconds(90)) }

        #expect(FailureChecks.errorCodes(ivy).contains("redis_unavailable") || FailureChecks.errorCodes(jon).contains("redis_unavailable"),
                "the victim grid's sessions were told their Redis was lost")
        #expect(FailureChecks.reconnected(ivy) || FailureChecks.reconnected(jon), "and reconnected")
        #expect(!FailureChecks.errorCodes(kim).contains("redis_unavailable"), "the grid on another master carried on: \(FailureChecks.errorCodes(kim))")
        #expect(!FailureChecks.reconnected(kim), "without reconnecting")
        let newMaster = try await Self.masterOf(victim, directory: directory)
        #expect(newMaster != victimNode, "the victim's slot has a new master")

        try await SystemHarness.services("cluster", "start", victimNode)
        restored = true
        try await HeadlessClient.converge([ivy, jon])
        for client in clients { client.send("settle 60000\ndump\nquit\n") }
        for client in clients {
            try await client.finish()
            #expect(client.exitCode == 0, "\(client.user) exited \(client.exitCode): \(client.stderr)")
        }
        let mysql = try SystemHarness.mysqlClient()
        defer { Task { await mysql.shutdown() } }
        try await FailureChecks.assertRecovered(grid: victim, clients: [ivy, jon], mysql: mysql)
        try await FailureChecks.assertRecovered(grid: bystander, clients: [kim], mysql: mysql)
        for grid in [victim, bystander] {
            let settled = try await SystemHarness.eventually(timeout: .seconds(30)) {
                try await FailureChecks.sessionStatuses(grid: grid, mysql: mysql).values.allSatisfy { !$0.contains("open") }
            }
            let statuses = try await FailureChecks.sessionStatuses(grid: grid, mysql: mysql)
            #expect(settled, "no session of \(grid) is left open: \(statuses)")
        }
        await serverA.stop()
        await serverB.stop()
    }
}
