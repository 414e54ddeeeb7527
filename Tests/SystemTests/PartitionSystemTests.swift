import Foundation
import TestSupport
import Testing

/// Issue 14's partitions, in the network namespaces of `scripts/lab up`: a link is pulled
/// (`scripts/lab cut`), so packets vanish and connections hang instead of breaking, then put
/// back. Each case ends like every failure test: every acked edit is in MySQL exactly once, all
/// clients agree with MySQL, and no session is left open.
@Suite(.serialized)
struct PartitionSystemTests {
    /// srv1 loses its backend network (Redis and MariaDB) but keeps its clients. Its sessions
    /// end with `redis_unavailable` once the probe gives up, and their clients move to srv2 and
    /// resend; srv1 itself keeps answering on the client side, says Redis is unreachable, and
    /// serves again once its cable is back.
    @Test func aServerCutOffFromRedisButNotFromItsClientsHandsThemOver() async throws {
        let lab = try LabScenario()
        let directory = SystemHarness.temporaryDirectory("partition-server")
        let run = UUID().uuidString.prefix(6).lowercased()
        let grid = "pts-\(run)"
        let (cutOff, healthy) = try await lab.servers("pt\(run)", directory: directory)
        defer { cutOff.kill(); healthy.kill() }
        let ivy = try HeadlessClient(user: "ivy", grid: grid, servers: [cutOff.url, healthy.url], directory: directory)
        let jon = try HeadlessClient(user: "jon", grid: grid, servers: [healthy.url, cutOff.url], directory: directory)
        try await ClusterScenario.edit([ivy, jon], steps: 120, pauseMilliseconds: 50)
        try await Task.sleep(for: .seconds(1))

        try await LabScenario.lab("cut", "srv1", "back", directory: directory)
        var healed = false
        defer { if !healed { LabScenario.heal("srv1") } }
        let handedOver = try await SystemHarness.eventually(timeout: .seconds(30)) { FailureChecks.errorCodes(ivy).contains("redis_unavailable") }
        #expect(handedOver, "ivy's session on the cut-off server ended with redis_unavailable: \(FailureChecks.errorCodes(ivy))")
        // The client side still reaches srv1, and srv1 says what it lacks.
        let health = try cutOff.healthz()
        #expect(health["redis"] as? String != "ok" && health["ok"] as? Bool == false, "srv1's /healthz during the cut: \(health)")
        for client in [ivy, jon] { try await client.waitFor("edited", timeout: .seconds(90)) }
        #expect(FailureChecks.reconnected(ivy), "ivy reconnected (to srv2)")
        #expect(!FailureChecks.errorCodes(jon).contains("redis_unavailable"), "jon, on srv2, carried on: \(FailureChecks.errorCodes(jon))")

        try await LabScenario.lab("heal", "srv1", "back", directory: directory)
        healed = true
        // srv1 serves again: a new client that only knows srv1 logs in and edits.
        let recovered = try await SystemHarness.eventually(timeout: .seconds(30)) { (try? cutOff.healthz()["ok"] as? Bool) == true }
        #expect(recovered, "srv1 is healthy again after the heal: \((try? cutOff.healthz()) ?? [:])")
        let kim = try HeadlessClient(user: "kim", grid: grid, servers: [cutOff.url], directory: directory)
        kim.send("set C1 kim after\nsync 60000\necho back\n")
        try await kim.waitFor("back", timeout: .seconds(60))
        try await ClusterScenario.finish([(grid, [ivy, jon, kim])], mysqlURL: lab.mysqlURL)
        await cutOff.stop()
        await healthy.stop()
    }

    /// The master that holds a grid is cut off from its replica and from both servers. The
    /// majority promotes the replica; calls to the lost master hang until the probe gives up, the
    /// grid's sessions end with `redis_unavailable`, reconnect and resend to the new master. A
    /// grid on another master carries on. Healed, the old master rejoins as a replica.
    @Test func aMasterCutOffFromItsReplicaAndTheServersIsReplacedAndNothingAckedIsLost() async throws {
        let lab = try LabScenario()
        let directory = SystemHarness.temporaryDirectory("partition-master")
        let run = UUID().uuidString.prefix(6).lowercased()
        let victim = "ptm-\(run)"
        let victimNode = try await LabScenario.lab("services", "cluster", "master-of", victim, directory: directory)
        var bystander = ""
        for index in 0..<64 where bystander.isEmpty {
            let grid = "ptb-\(run)-\(index)"
            if try await LabScenario.lab("services", "cluster", "master-of", grid, directory: directory) != victimNode { bystander = grid }
        }
        try #require(!bystander.isEmpty)
        let (serverA, serverB) = try await lab.servers("pm\(run)", directory: directory)
        defer { serverA.kill(); serverB.kill() }
        let ivy = try HeadlessClient(user: "ivy", grid: victim, servers: [serverA.url, serverB.url], directory: directory)
        let jon = try HeadlessClient(user: "jon", grid: victim, servers: [serverB.url, serverA.url], directory: directory)
        let kim = try HeadlessClient(user: "kim", grid: bystander, servers: [serverA.url], directory: directory)
        let clients = [ivy, jon, kim]
        try await ClusterScenario.edit(clients, steps: 120, pauseMilliseconds: 50)
        try await Task.sleep(for: .seconds(1))

        try await LabScenario.lab("cut", victimNode, directory: directory)
        var healed = false
        defer { if !healed { LabScenario.heal(victimNode) } }
        let promoted = try await SystemHarness.eventually(timeout: .seconds(30)) {
            (try? await LabScenario.lab("services", "cluster", "master-of", victim, directory: directory)).map { $0 != victimNode } ?? false
        }
        #expect(promoted, "the victim's slot has a new master on the majority side")
        for client in clients { try await client.waitFor("edited", timeout: .seconds(120)) }
        #expect(FailureChecks.errorCodes(ivy).contains("redis_unavailable") || FailureChecks.errorCodes(jon).contains("redis_unavailable"),
                "the victim grid's sessions were told their Redis was lost")
        #expect(FailureChecks.reconnected(ivy) || FailureChecks.reconnected(jon), "and reconnected")
        #expect(!FailureChecks.errorCodes(kim).contains("redis_unavailable"), "the grid on another master carried on: \(FailureChecks.errorCodes(kim))")

        try await LabScenario.lab("heal", victimNode, directory: directory)
        healed = true
        let rejoined = try await SystemHarness.eventually(timeout: .seconds(30)) {
            let status = (try? await LabScenario.lab("services", "cluster", "status", directory: directory)) ?? ""
            return status.split(separator: "\n").contains {
                $0.hasPrefix("\(victimNode): running") && $0.contains("replica of") && !$0.contains("seen") && !$0.contains("disconnected")
            }
        }
        #expect(rejoined, "the old master rejoined as a replica")
        try await ClusterScenario.finish([(victim, [ivy, jon]), (bystander, [kim])], mysqlURL: lab.mysqlURL)
        await serverA.stop()
        await serverB.stop()
    }

    /// MariaDB is cut off from both servers while clients edit. Editing goes on: every edit is
    /// acked from Redis, and `/healthz` says MySQL is unreachable. Healed, the persisters write
    /// the backlog, once each.
    @Test func mariaDBCutOffEditsGoOnAndTheBacklogIsSavedOnceWhenItReturns() async throws {
        let lab = try LabScenario()
        let directory = SystemHarness.temporaryDirectory("partition-mysql")
        let run = UUID().uuidString.prefix(6).lowercased()
        let grid = "ptd-\(run)"
        let (serverA, serverB) = try await lab.servers("pd\(run)", directory: directory)
        defer { serverA.kill(); serverB.kill() }
        let ivy = try HeadlessClient(user: "ivy", grid: grid, servers: [serverA.url, serverB.url], directory: directory)
        let jon = try HeadlessClient(user: "jon", grid: grid, servers: [serverB.url, serverA.url], directory: directory)
        try await ClusterScenario.edit([ivy, jon], steps: 160, pauseMilliseconds: 50)
        try await Task.sleep(for: .seconds(1))

        try await LabScenario.lab("cut", "mysql", directory: directory)
        var healed = false
        defer { if !healed { LabScenario.heal("mysql") } }
        let acksAtCut = Self.acks(ivy) + Self.acks(jon)
        let noticed = try await SystemHarness.eventually(timeout: .seconds(30)) {
            [serverA, serverB].allSatisfy { (try? $0.healthz()["mysql"] as? String).map { $0 != "ok" } ?? false }
        }
        #expect(noticed, "both servers' /healthz say MySQL is unreachable")
        for client in [ivy, jon] { try await client.waitFor("edited", timeout: .seconds(90)) }
        #expect(Self.acks(ivy) + Self.acks(jon) > acksAtCut + 20, "edits were acked while MariaDB was cut off")
        for client in [ivy, jon] {
            #expect(FailureChecks.errorCodes(client).isEmpty, "\(client.user) saw no error: \(FailureChecks.errorCodes(client))")
            #expect(!FailureChecks.reconnected(client), "\(client.user) stayed connected")
        }

        try await LabScenario.lab("heal", "mysql", directory: directory)
        healed = true
        try await ClusterScenario.finish([(grid, [ivy, jon])], mysqlURL: lab.mysqlURL)
        await serverA.stop()
        await serverB.stop()
    }

    private static func acks(_ client: HeadlessClient) -> Int {
        client.objects.filter { $0["type"] as? String == "ack" }.count
    }
}
