import Foundation
import Testing

/// Issue 14: `redis-cli --cluster reshard` moves every slot of a master to another while clients
/// edit grids in those slots. Edits keep flowing (the servers follow `ASK` and `MOVED`, the tails
/// move with their slots), no session ends, and afterwards every acked edit is in MySQL exactly
/// once and the clients agree with MySQL. `rebalance` then spreads the slots out again.
@Suite(.serialized)
struct ClusterReshardSystemTests {
    /// node name → port, from the cluster URL (scripts/services lists node1…node6 in order).
    static func ports(_ url: String) throws -> [String: Int] {
        let hosts = url.split(separator: "@").last.map(String.init) ?? url
        let list = hosts.replacingOccurrences(of: "redis-cluster://", with: "").split(separator: ",")
        var ports: [String: Int] = [:]
        for (index, host) in list.enumerated() {
            guard let port = host.split(separator: ":").last.flatMap({ Int($0) }) else { throw HarnessError(message: "bad cluster URL") }
            ports["node\(index + 1)"] = port
        }
        return ports
    }

    @Test func slotsMovedLiveKeepEditsFlowingWithNothingLostOrDoubled() async throws {
        let url = try ClusterScenario.url()
        let directory = SystemHarness.temporaryDirectory("cluster-reshard")
        let run = UUID().uuidString.prefix(6).lowercased()
        let ports = try Self.ports(url)
        let first = "rs-\(run)-0"
        let source = try await ClusterScenario.masterOf(first, directory: directory)
        var grids = [first]
        for index in 1..<200 where grids.count < 3 {
            let grid = "rs-\(run)-\(index)"
            if try await ClusterScenario.masterOf(grid, directory: directory) == source { grids.append(grid) }
        }
        try #require(grids.count == 3)
        let masters = try await ClusterScenario.shell("scripts/services cluster status | awk '/ master /{sub(\":\",\"\",$1); print $1}'", directory: directory)
        let target = try #require(masters.split(separator: "\n").map(String.init).first { $0 != source })
        let sourcePort = try #require(ports[source]), targetPort = try #require(ports[target])
        let sourceID = try await ClusterScenario.shell("redis-cli -p \(sourcePort) CLUSTER MYID", directory: directory)
        let targetID = try await ClusterScenario.shell("redis-cli -p \(targetPort) CLUSTER MYID", directory: directory)
        // How many slots the source serves: its ranges in its own CLUSTER NODES line.
        let myself = try await ClusterScenario.shell("redis-cli -p \(sourcePort) CLUSTER NODES | grep myself", directory: directory)
        let slots = myself.split(separator: " ").dropFirst(8).reduce(0) { total, range in
            let ends = range.split(separator: "-").compactMap { Int($0) }
            return total + (ends.count == 2 ? ends[1] - ends[0] + 1 : ends.count)
        }
        try #require(slots > 0)

        let (serverA, serverB) = try await ClusterScenario.servers("rs\(run)", directory: directory)
        defer { serverA.kill(); serverB.kill() }
        var clients: [HeadlessClient] = []
        for (index, grid) in grids.enumerated() {
            for user in ["u\(index)a", "u\(index)b"] {
                let servers = user.hasSuffix("a") ? [serverA.url, serverB.url] : [serverB.url, serverA.url]
                clients.append(try HeadlessClient(user: user, grid: grid, servers: servers, directory: directory))
            }
        }
        try await ClusterScenario.edit(clients, steps: 100, pauseMilliseconds: 40)
        try await Task.sleep(for: .seconds(1))
        let resharded = try await ClusterScenario.shell(
            "redis-cli --cluster reshard 127.0.0.1:\(sourcePort) --cluster-from \(sourceID) --cluster-to \(targetID) --cluster-slots \(slots) --cluster-yes",
            directory: directory
        )
        #expect(resharded.contains("Moving slot"), "\(resharded.suffix(500))")
        for client in clients { try await client.waitFor("edited", timeout: .seconds(90)) }
        for grid in grids {
            #expect(try await ClusterScenario.masterOf(grid, directory: directory) == target, "\(grid) moved")
        }
        for client in clients {
            #expect(!FailureChecks.errorCodes(client).contains("redis_unavailable"), "\(client.user) kept its session: \(FailureChecks.errorCodes(client))")
        }

        try await ClusterScenario.finish(grids.indices.map { (grids[$0], [clients[2 * $0], clients[2 * $0 + 1]]) })
        await serverA.stop()
        await serverB.stop()
        _ = try await ClusterScenario.shell("redis-cli --cluster rebalance 127.0.0.1:\(targetPort) --cluster-use-empty-masters", directory: directory)
    }
}
