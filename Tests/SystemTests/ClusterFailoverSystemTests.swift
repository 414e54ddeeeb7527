import Foundation
import TestSupport
import Testing

/// Issue 14 on the Redis Cluster of `scripts/services cluster up`: `kill -9` of the master that
/// holds a grid while its clients edit. The replica is promoted; the grid's sessions end with
/// `redis_unavailable`, reconnect and resend; a grid on another master carries on untouched; and
/// afterwards every acked edit is in MySQL exactly once, the clients agree with MySQL, and no
/// session is left open.
@Suite(.serialized)
struct ClusterFailoverSystemTests {
    @Test func aKilledMasterIsReplacedItsGridsResumeAndNothingAckedIsLost() async throws {
        let directory = SystemHarness.temporaryDirectory("cluster-failover")
        let run = UUID().uuidString.prefix(6).lowercased()
        // Two grids on two different masters.
        let victim = "cfv-\(run)"
        let victimNode = try await ClusterScenario.masterOf(victim, directory: directory)
        var bystander = ""
        for index in 0..<64 where bystander.isEmpty {
            let grid = "cfb-\(run)-\(index)"
            if try await ClusterScenario.masterOf(grid, directory: directory) != victimNode { bystander = grid }
        }
        try #require(!bystander.isEmpty)

        let (serverA, serverB) = try await ClusterScenario.servers("cf\(run)", directory: directory)
        defer { serverA.kill(); serverB.kill() }
        let ivy = try HeadlessClient(user: "ivy", grid: victim, servers: [serverA.url, serverB.url], directory: directory)
        let jon = try HeadlessClient(user: "jon", grid: victim, servers: [serverB.url, serverA.url], directory: directory)
        let kim = try HeadlessClient(user: "kim", grid: bystander, servers: [serverA.url], directory: directory)
        let clients = [ivy, jon, kim]
        // About four seconds of edits each; the kill lands in the middle.
        try await ClusterScenario.edit(clients, steps: 80, pauseMilliseconds: 50)
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
        let newMaster = try await ClusterScenario.masterOf(victim, directory: directory)
        #expect(newMaster != victimNode, "the victim's slot has a new master")

        try await SystemHarness.services("cluster", "start", victimNode)
        restored = true
        try await ClusterScenario.finish([(victim, [ivy, jon]), (bystander, [kim])])
        await serverA.stop()
        await serverB.stop()
    }
}
