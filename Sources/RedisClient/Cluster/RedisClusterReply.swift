/// The error replies by which a Redis Cluster node tells a client to go elsewhere or wait.
public enum RedisClusterReply: Equatable, Sendable {
    /// The slot lives on `node` now: update the map and send there.
    case moved(slot: Int, node: RedisNodeAddress)
    /// The slot is migrating and this key is on `node` already: send `ASKING` and the command there, once.
    case ask(slot: Int, node: RedisNodeAddress)
    /// A multi-key command during a migration, or a failover in progress: retry shortly.
    case tryAgain
    /// The cluster cannot serve the slot now (no majority, a shard without a master): back off.
    case clusterDown

    public init?(error text: String) {
        if text.hasPrefix("TRYAGAIN") { self = .tryAgain; return }
        if text.hasPrefix("CLUSTERDOWN") { self = .clusterDown; return }
        let parts = text.split(separator: " ")
        guard parts.count == 3, let slot = Int(parts[1]), (0..<RedisSlot.count).contains(slot),
              let node = RedisNodeAddress(parts[2]) else { return nil }
        switch parts[0] {
        case "MOVED": self = .moved(slot: slot, node: node)
        case "ASK": self = .ask(slot: slot, node: node)
        default: return nil
        }
    }
}
