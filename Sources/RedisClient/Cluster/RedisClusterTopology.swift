import Logging
import NIOConcurrencyHelpers

/// The one owner of a cluster client's slot map. It answers routing questions at once from the
/// map it has, patches it on `MOVED`, and refreshes it from any node that answers when a node
/// is lost, a failover is under way, or a redirection says the map is old. Refreshes are
/// coalesced: however many callers ask, one `CLUSTER SLOTS` runs at a time.
final class RedisClusterTopology: Sendable {
    private struct State {
        var map = RedisClusterMap()
        var loaded = false
        var refreshing: Task<Void, Never>?
    }

    let seeds: [RedisNodeAddress]
    private let state = NIOLockedValueBox(State())
    private let logger: Logger

    init(seeds: [RedisNodeAddress], logger: Logger) {
        self.seeds = seeds
        self.logger = logger
    }

    /// The master of `key`'s slot per the map; the first seed before the map is known or where no
    /// node serves the slot (its reply then says where to go, or that the cluster is down there).
    func node(forSlot slot: Int?) -> RedisNodeAddress {
        state.withLockedValue { state in
            guard let slot, let master = state.map.master(ofSlot: slot) else { return state.map.masters.first ?? seeds[0] }
            return master
        }
    }

    var masters: [RedisNodeAddress] {
        state.withLockedValue { $0.map.masters.isEmpty ? [seeds[0]] : $0.map.masters }
    }

    var isLoaded: Bool { state.withLockedValue(\.loaded) }

    func moved(slot: Int, to node: RedisNodeAddress) {
        state.withLockedValue { $0.map.moved(slot: slot, to: node) }
    }

    /// Asks the known masters, then the seeds, for `CLUSTER SLOTS`, and keeps the first answer
    /// that covers some slots. `ask` sends one command to one node.
    func refresh(using ask: @escaping @Sendable (RedisNodeAddress, [String]) async throws -> RedisValue) async {
        let task = state.withLockedValue { state -> Task<Void, Never> in
            if let running = state.refreshing { return running }
            let candidates = state.map.masters + state.map.shards.flatMap(\.replicas) + seeds
            let running = Task { [logger] in
                var seen = Set<RedisNodeAddress>()
                for node in candidates where seen.insert(node).inserted {
                    guard let reply = try? await ask(node, ["CLUSTER", "SLOTS"]),
                          let map = try? RedisClusterMap(clusterSlots: reply, asked: node), !map.shards.isEmpty
                    else { continue }
                    let changed = self.state.withLockedValue { state -> Bool in
                        defer { state.map = map; state.loaded = true }
                        return state.map != map
                    }
                    if changed {
                        logger.info("Redis Cluster slot map", metadata: [
                            "redis.masters": "\(map.masters.map(\.description).joined(separator: ","))",
                            "redis.uncovered": "\(map.uncoveredSlots)",
                        ])
                    }
                    break
                }
                self.state.withLockedValue { $0.refreshing = nil }
            }
            state.refreshing = running
            return running
        }
        await task.value
    }
}
