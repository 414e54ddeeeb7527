/// Which node serves each of the 16,384 slots, learnt from `CLUSTER SLOTS`. A pure value: the
/// client owns one, replaces it after a refresh, and patches it on `MOVED`.
public struct RedisClusterMap: Sendable, Equatable {
    public struct Shard: Sendable, Equatable {
        public var slots: [ClosedRange<Int>]
        public var master: RedisNodeAddress
        public var replicas: [RedisNodeAddress]
    }

    public private(set) var shards: [Shard] = []
    /// Slot → index into `nodes`; -1 where no node serves the slot (a shard down, a slot not assigned).
    private var owner: [Int16]
    private var nodes: [RedisNodeAddress] = []

    public init() {
        owner = Array(repeating: -1, count: RedisSlot.count)
    }

    /// Parses a `CLUSTER SLOTS` reply: `[start, end, [host, port, id, …], replica…]…`. A node with
    /// an empty or `?` host is named by the address the reply came from (`asked`), as Redis means it.
    public init(clusterSlots reply: RedisValue, asked: RedisNodeAddress) throws {
        self.init()
        guard let entries = reply.array else { throw Self.malformed("not an array: \(reply)") }
        var byMaster: [RedisNodeAddress: Int] = [:]
        for entry in entries {
            guard let fields = entry.array, fields.count >= 3,
                  let start = fields[0].int, let end = fields[1].int,
                  0 <= start, start <= end, end < RedisSlot.count
            else { throw Self.malformed("bad slot range: \(entry)") }
            let addresses = try fields[2...].map { try Self.node($0, asked: asked) }
            let range = Int(start)...Int(end)
            if let index = byMaster[addresses[0]] {
                shards[index].slots.append(range)
            } else {
                byMaster[addresses[0]] = shards.count
                shards.append(Shard(slots: [range], master: addresses[0], replicas: Array(addresses.dropFirst())))
            }
            assign(range, to: addresses[0])
        }
    }

    /// The master that serves `slot`, if any does.
    public func master(ofSlot slot: Int) -> RedisNodeAddress? {
        let index = owner[slot]
        return index < 0 ? nil : nodes[Int(index)]
    }

    public func master(ofKey key: String) -> RedisNodeAddress? { master(ofSlot: RedisSlot.of(key)) }

    /// Every master that serves a slot.
    public var masters: [RedisNodeAddress] { shards.map(\.master) }

    /// Slots no node serves.
    public var uncoveredSlots: Int { owner.lazy.filter { $0 < 0 }.count }

    /// What a `MOVED` reply says: `slot` is now served by `node`, until the next refresh says more.
    public mutating func moved(slot: Int, to node: RedisNodeAddress) {
        assign(slot...slot, to: node)
    }

    private mutating func assign(_ range: ClosedRange<Int>, to node: RedisNodeAddress) {
        let index: Int
        if let known = nodes.firstIndex(of: node) {
            index = known
        } else {
            index = nodes.count
            nodes.append(node)
        }
        for slot in range { owner[slot] = Int16(index) }
    }

    private static func node(_ value: RedisValue, asked: RedisNodeAddress) throws -> RedisNodeAddress {
        guard let fields = value.array, fields.count >= 2, let host = fields[0].string, let port = fields[1].int,
              (1...65535).contains(port)
        else { throw malformed("bad node: \(value)") }
        return RedisNodeAddress(host: host.isEmpty || host == "?" ? asked.host : host, port: Int(port))
    }

    private static func malformed(_ detail: String) -> RedisError {
        RedisError(code: .protocolError, message: "malformed CLUSTER SLOTS reply: \(detail)")
    }
}
