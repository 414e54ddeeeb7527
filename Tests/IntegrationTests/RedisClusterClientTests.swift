import Foundation
import NIOCore
import NIOPosix
import RedisClient
import TestSupport
import Testing

/// The cluster-aware client against the real Redis Cluster of `scripts/services cluster up`
/// (REDIS_CLUSTER_URL): keys reach their slot's master, scripts run where their keys are, and a
/// slot moved under the client (by hand, the way `redis-cli --cluster reshard` moves it) is
/// followed through `ASK` while it migrates and `MOVED` after. Serialized: it moves a slot.
@Suite(.serialized) struct RedisClusterClientTests {
    static var url: String {
        get throws {
            guard let url = ProcessInfo.processInfo.environment["REDIS_CLUSTER_URL"] else {
                throw RedisError(code: .protocolError, message: "REDIS_CLUSTER_URL is not set: run `scripts/services cluster up` and source services.env")
            }
            return url
        }
    }

    /// Brings a stopped node back when a test failed before it could (a `defer` cannot await).
    static func restart(_ name: String) {
        ServiceScripts.runBlocking(["/bin/sh", "-c", "cd \"$0\" && exec scripts/services cluster start \"$1\"", ServiceScripts.repositoryRoot().path, name])
    }

    /// A plain (non-cluster) client of one node, to see what that node alone holds.
    static func nodeClient(_ node: RedisNodeAddress, like cluster: RedisConfiguration) -> RedisClient {
        var configuration = RedisConfiguration()
        configuration.host = node.host
        configuration.port = node.port
        configuration.password = cluster.password
        configuration.username = cluster.username
        return RedisClient(configuration: configuration, logger: .init(label: "cluster-node"))
    }

    /// The master of `slot` and every master, from the nodes themselves.
    static func masters(_ cluster: RedisConfiguration) async throws -> (map: RedisClusterMap, ids: [RedisNodeAddress: String]) {
        let seed = nodeClient(cluster.clusterSeeds[0], like: cluster)
        defer { Task { await seed.shutdown() } }
        let map = try RedisClusterMap(clusterSlots: try await seed.command(["CLUSTER", "SLOTS"]), asked: cluster.clusterSeeds[0])
        var ids: [RedisNodeAddress: String] = [:]
        for master in map.masters {
            let node = nodeClient(master, like: cluster)
            ids[master] = try await node.command(["CLUSTER", "MYID"]).string
            await node.shutdown()
        }
        return (map, ids)
    }

    @Test func everyKeyLandsOnItsSlotsMasterAndScriptsRunThere() async throws {
        let configuration = try RedisConfiguration(url: Self.url)
        let client = RedisClient(configuration: configuration, logger: .init(label: "cluster"))
        defer { Task { await client.shutdown() } }
        let run = UUID().uuidString.prefix(8)
        let grids = (0..<60).map { "cl-\(run)-\($0)" }
        for grid in grids {
            _ = try await client.command(["SET", "grid:{\(grid)}:x", grid])
            // A pipeline of one grid's keys goes to one node, in one write.
            let replies = try await client.pipeline([["HSET", "grid:{\(grid)}:h", "f", "1"], ["GET", "grid:{\(grid)}:x"]])
            #expect(replies[1].string == grid)
        }
        // A script loaded through the client runs on whichever master holds its keys.
        let sha = try #require(try await client.command(["SCRIPT", "LOAD", "return redis.call('GET', KEYS[1])"]).string)
        for grid in grids {
            #expect(try await client.command(["EVALSHA", sha, "1", "grid:{\(grid)}:x"]).string == grid)
        }
        // Each node holds exactly the grids of its slots: nothing went to the wrong node.
        let (map, _) = try await Self.masters(configuration)
        #expect(map.masters.count == 3 && map.uncoveredSlots == 0)
        var perNode: [RedisNodeAddress: Int] = [:]
        for grid in grids {
            let master = try #require(map.master(ofKey: "grid:{\(grid)}:x"))
            let node = Self.nodeClient(master, like: configuration)
            #expect(try await node.command(["GET", "grid:{\(grid)}:x"]).string == grid, "\(grid) is on \(master)")
            await node.shutdown()
            perNode[master, default: 0] += 1
        }
        #expect(perNode.count == 3, "60 grids spread over the 3 masters: \(perNode)")
        // A batch over several slots goes slot by slot, each reply in its place.
        let spread = try await client.pipeline(grids.prefix(10).map { ["GET", "grid:{\($0)}:x"] })
        #expect(spread.map(\.string) == grids.prefix(10).map { $0 })
        await #expect(throws: RedisError.self) {
            _ = try await client.pipeline([["MULTI"], ["GET", "grid:{a}:x"], ["GET", "grid:{b}:x"], ["EXEC"]])
        }
    }

    /// Kill -9 a key's master: the client's next call fails (the node is lost), and once the
    /// replica is promoted the client finds it by itself and reads what was written with WAIT 1.
    @Test func aFailedOverMasterIsFoundAgain() async throws {
        let configuration = try RedisConfiguration(url: Self.url)
        let client = RedisClient(configuration: configuration, logger: .init(label: "cluster"))
        defer { Task { await client.shutdown() } }
        let key = "grid:{fo-\(UUID().uuidString.prefix(8))}:x"
        _ = try await client.command(["SET", key, "kept"])
        let (map, _) = try await Self.masters(configuration)
        let master = try #require(map.master(ofKey: key))
        let wait = Self.nodeClient(master, like: configuration)
        #expect(try await wait.pipeline([["WAIT", "1", "2000"]])[0].int == 1, "the replica has the key before the kill")
        await wait.shutdown()
        // scripts/services names nodes by their place in the URL: node1 is the first port.
        let name = "node\(try #require(configuration.clusterSeeds.firstIndex(of: master)) + 1)"
        try await ServiceScripts.run(services: ["cluster", "kill", name])
        var restarted = false
        defer { if !restarted { Self.restart(name) } }

        let clock = ContinuousClock(), killed = clock.now
        var value: String?
        var failures = 0
        while value == nil, clock.now - killed < .seconds(20) {
            do {
                value = try await client.command(["GET", key]).string
            } catch {
                failures += 1
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        #expect(value == "kept", "read again \(clock.now - killed) after the kill, \(failures) failed calls meanwhile")
        #expect(failures > 0, "the kill was seen")
        _ = try await client.command(["SET", key, "after"])
        try await ServiceScripts.run(services: ["cluster", "start", name])
        restarted = true
        #expect(try await client.command(["GET", key]).string == "after")
    }

    /// `--redis-wait-replicas`: the calls of one loop turn share one `WAIT`, their replies come
    /// once the replica has them, and with the replica stopped they fail instead.
    @Test func callsWaitForTheReplicaWithOneWaitPerFlush() async throws {
        var configuration = try RedisConfiguration(url: Self.url)
        configuration.waitReplicas = 1
        configuration.waitReplicasTimeout = .milliseconds(500)
        let client = RedisClient(configuration: configuration, logger: .init(label: "cluster"))
        defer { Task { await client.shutdown() } }
        let key = "grid:{w-\(UUID().uuidString.prefix(8))}:n"
        let (map, _) = try await Self.masters(configuration)
        let master = try #require(map.master(ofKey: key))
        let shard = try #require(map.shards.first { $0.master == master })
        let replica = try #require(shard.replicas.first)
        let node = Self.nodeClient(master, like: configuration)
        defer { Task { await node.shutdown() } }

        // A routed call first: it learns the slot map, which picking a connection does not wait for.
        _ = try await client.command(["SET", key, "0"])
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let connection = try client.multiplexedConnection(on: loop, forKey: key)
        _ = try await node.command(["CONFIG", "RESETSTAT"])
        let replies = try await loop.flatSubmit {
            EventLoopFuture.whenAllSucceed((0..<20).map { _ in connection.send([["INCR", key]], timeout: .seconds(5), waitForReplicas: 1) }, on: loop)
        }.get()
        #expect(replies.compactMap { $0.first?.int }.sorted() == Array(1...20))
        let stats = try #require(try await node.command(["INFO", "commandstats"]).string)
        #expect(stats.contains("cmdstat_wait:calls=1,"), "20 calls in one turn, one WAIT: \(stats.split(separator: "\r\n").filter { $0.contains("wait") })")

        let name = "node\(try #require(configuration.clusterSeeds.firstIndex(of: replica)) + 1)"
        try await ServiceScripts.run(services: ["cluster", "stop", name])
        var restarted = false
        defer { if !restarted { Self.restart(name) } }
        do {
            await #expect(throws: RedisError.self, "no replica to confirm it") {
                _ = try await connection.send([["INCR", key]], timeout: .seconds(5), waitForReplicas: 1).get()
            }
            #expect(try await node.command(["GET", key]).string == "21", "the master ran it all the same")
        }
        try await ServiceScripts.run(services: ["cluster", "start", name])
        restarted = true
        // Back as a replica: once it has caught up, calls are confirmed again.
        var confirmed: Int64?
        for _ in 0..<20 where confirmed == nil {
            confirmed = try? await connection.send([["INCR", key]], timeout: .seconds(5), waitForReplicas: 1).get().first?.int
            if confirmed == nil { try await Task.sleep(for: .milliseconds(500)) }
        }
        #expect((confirmed ?? 0) >= 22, "confirmed again after the replica came back")
    }

    @Test func aSlotMovedUnderTheClientIsFollowedThroughAskThenMoved() async throws {
        let configuration = try RedisConfiguration(url: Self.url)
        let client = RedisClient(configuration: configuration, logger: .init(label: "cluster"))
        defer { Task { await client.shutdown() } }
        let grid = "mv-\(UUID().uuidString.prefix(8))"
        let old = "grid:{\(grid)}:old", new = "grid:{\(grid)}:new"
        let slot = RedisSlot.of(old)
        _ = try await client.command(["SET", old, "before"])

        let (map, ids) = try await Self.masters(configuration)
        let source = try #require(map.master(ofSlot: slot))
        let target = try #require(map.masters.first { $0 != source })
        let from = Self.nodeClient(source, like: configuration), to = Self.nodeClient(target, like: configuration)
        defer { Task { await from.shutdown(); await to.shutdown() } }
        let sourceID = try #require(ids[source]), targetID = try #require(ids[target])

        // Migration under way, keys not moved yet: a new key of the slot belongs on the target (ASK).
        _ = try await to.command(["CLUSTER", "SETSLOT", String(slot), "IMPORTING", sourceID])
        _ = try await from.command(["CLUSTER", "SETSLOT", String(slot), "MIGRATING", targetID])
        _ = try await client.command(["SET", new, "during"])
        #expect(try await to.pipeline([["ASKING"], ["GET", new]])[1].string == "during", "the new key went to the target")
        // The source does not have it: it sends whoever asks to the target.
        await #expect(throws: RedisError.self) { _ = try await from.command(["EXISTS", new]) }
        #expect(try await client.command(["GET", old]).string == "before", "a key not moved yet is read at the source")
        let migrate = ["MIGRATE", target.host, String(target.port), "", "0", "5000"] + (configuration.password.map { ["AUTH", $0] } ?? []) + ["KEYS", old]
        _ = try await from.command(migrate)
        for node in [to, from] { _ = try await node.command(["CLUSTER", "SETSLOT", String(slot), "NODE", targetID]) }

        // Done: the client's map is old, and MOVED takes it to the target.
        #expect(try await client.command(["GET", old]).string == "before")
        #expect(try await client.command(["GET", new]).string == "during")
        #expect(try await to.command(["GET", old]).string == "before", "the key now lives on the target")
        _ = try await client.command(["SET", old, "after"])
        #expect(try await to.command(["GET", old]).string == "after")

        // Move it back, so the cluster stays as `cluster up` made it.
        _ = try await from.command(["CLUSTER", "SETSLOT", String(slot), "IMPORTING", targetID])
        _ = try await to.command(["CLUSTER", "SETSLOT", String(slot), "MIGRATING", sourceID])
        let back = ["MIGRATE", source.host, String(source.port), "", "0", "5000"] + (configuration.password.map { ["AUTH", $0] } ?? []) + ["KEYS", old, new]
        _ = try await to.command(back)
        for node in [from, to] { _ = try await node.command(["CLUSTER", "SETSLOT", String(slot), "NODE", sourceID]) }
        #expect(try await client.command(["GET", old]).string == "after")
    }
}
