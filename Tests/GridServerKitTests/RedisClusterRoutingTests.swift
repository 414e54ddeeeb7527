import Testing

@testable import RedisClient

/// Redis Cluster routing without a cluster: the slot rule against the values Redis's own
/// `CLUSTER KEYSLOT` gives, the slot map from a recorded `CLUSTER SLOTS`, redirections, and
/// which argument of each command is its key.
struct RedisClusterRoutingTests {
    @Test func slotsMatchRedisKeyslot() {
        #expect(RedisSlot.crc16(Array("123456789".utf8)) == 0x31C3, "CRC16/XMODEM check value")
        // From `redis-cli CLUSTER KEYSLOT` on Redis 7.0.
        #expect(RedisSlot.of("foo") == 12182)
        #expect(RedisSlot.of("bar") == 5061)
        #expect(RedisSlot.of("{user1000}.following") == RedisSlot.of("user1000"))
        #expect(RedisSlot.of("grid:{sales}:log") == RedisSlot.of("grid:{sales}:cells"))
        #expect(RedisSlot.of("grid:{sales}:log") == RedisSlot.of("sales"))
        // An empty tag does not count: the whole key is hashed.
        #expect(RedisSlot.of("foo{}{bar}") == RedisSlot.of(bytes: Array("foo{}{bar}".utf8)))
        #expect(RedisSlot.of("foo{}{bar}") != RedisSlot.of("bar"))
        // Only the first `{`…`}` pair counts.
        #expect(RedisSlot.of("foo{{bar}}zap") == RedisSlot.of("{bar"))
        #expect(RedisSlot.of("foo{bar}{zap}") == RedisSlot.of("bar"))
        #expect(RedisSlot.of("no-close{tag") == RedisSlot.of(bytes: Array("no-close{tag".utf8)))
    }

    private static func node(_ host: String, _ port: Int64, _ id: String) -> RedisValue {
        .array([.bulk(Array(host.utf8)), .integer(port), .bulk(Array(id.utf8))])
    }

    /// Three masters with a replica each, as `redis-cli --cluster create --cluster-replicas 1` makes them.
    static let recorded: RedisValue = .array([
        .array([.integer(0), .integer(5460), node("127.0.0.1", 17000, "a"), node("127.0.0.1", 17004, "e")]),
        .array([.integer(5461), .integer(10922), node("127.0.0.1", 17001, "b"), node("127.0.0.1", 17005, "f")]),
        .array([.integer(10923), .integer(16383), node("", 17002, "c"), node("127.0.0.1", 17003, "d")]),
    ])

    @Test func theSlotMapNamesTheMasterOfEverySlot() throws {
        let asked = RedisNodeAddress(host: "10.1.0.3", port: 17002)
        var map = try RedisClusterMap(clusterSlots: Self.recorded, asked: asked)
        #expect(map.uncoveredSlots == 0)
        #expect(map.masters.map(\.port) == [17000, 17001, 17002])
        #expect(map.shards[0].replicas == [RedisNodeAddress(host: "127.0.0.1", port: 17004)])
        #expect(map.master(ofSlot: 0)?.port == 17000)
        #expect(map.master(ofSlot: 5461)?.port == 17001)
        #expect(map.master(ofKey: "foo") == asked, "an empty host is the node that answered")
        map.moved(slot: 12182, to: RedisNodeAddress(host: "127.0.0.1", port: 17003))
        #expect(map.master(ofKey: "foo")?.port == 17003)
        #expect(map.master(ofSlot: 12183) == asked, "MOVED moves one slot only")
    }

    @Test func aPartialMapLeavesSlotsUncovered() throws {
        let partial: RedisValue = .array([.array([.integer(0), .integer(99), Self.node("h", 1, "a")])])
        let map = try RedisClusterMap(clusterSlots: partial, asked: RedisNodeAddress(host: "h", port: 1))
        #expect(map.uncoveredSlots == RedisSlot.count - 100)
        #expect(map.master(ofSlot: 100) == nil)
    }

    @Test func malformedSlotRepliesAreRefused() {
        let asked = RedisNodeAddress(host: "h", port: 1)
        for bad: RedisValue in [
            .integer(1),
            .array([.array([.integer(5), .integer(2), Self.node("h", 1, "a")])]),
            .array([.array([.integer(0), .integer(16384), Self.node("h", 1, "a")])]),
            .array([.array([.integer(0), .integer(1)])]),
            .array([.array([.integer(0), .integer(1), .array([.bulk(Array("h".utf8)), .integer(0)])])]),
        ] {
            #expect(throws: RedisError.self) { try RedisClusterMap(clusterSlots: bad, asked: asked) }
        }
    }

    @Test func redirectionsAreRead() {
        #expect(RedisClusterReply(error: "MOVED 3999 127.0.0.1:6381") == .moved(slot: 3999, node: RedisNodeAddress(host: "127.0.0.1", port: 6381)))
        #expect(RedisClusterReply(error: "ASK 3999 10.0.0.2:7000") == .ask(slot: 3999, node: RedisNodeAddress(host: "10.0.0.2", port: 7000)))
        #expect(RedisClusterReply(error: "MOVED 1 [::1]:7000") == .moved(slot: 1, node: RedisNodeAddress(host: "::1", port: 7000)))
        #expect(RedisClusterReply(error: "TRYAGAIN Multiple keys request during rehashing of slot") == .tryAgain)
        #expect(RedisClusterReply(error: "CLUSTERDOWN The cluster is down") == .clusterDown)
        #expect(RedisClusterReply(error: "ERR unknown command") == nil)
        #expect(RedisClusterReply(error: "MOVED 16384 h:1") == nil)
        #expect(RedisClusterReply(error: "MOVED x h:1") == nil)
    }

    @Test func commandsAreRoutedByTheirKey() throws {
        #expect(RedisCommandKey.of(["GET", "grid:{a}:durable"]) == "grid:{a}:durable")
        #expect(RedisCommandKey.of(["EVALSHA", "abc", "2", "grid:{a}:log", "grid:{a}:cells", "x"]) == "grid:{a}:log")
        #expect(RedisCommandKey.of(["EVALSHA", "abc", "0", "x"]) == nil)
        #expect(RedisCommandKey.of(["XREAD", "COUNT", "10", "BLOCK", "0", "STREAMS", "grid:{a}:log", "$"]) == "grid:{a}:log")
        #expect(RedisCommandKey.of(["XREADGROUP", "GROUP", "persist", "p", "STREAMS", "grid:{b}:log", ">"]) == "grid:{b}:log")
        #expect(RedisCommandKey.of(["XGROUP", "CREATE", "grid:{a}:log", "persist", "$"]) == "grid:{a}:log")
        #expect(RedisCommandKey.of(["PING"]) == nil)
        #expect(RedisCommandKey.of(["CLIENT", "ID"]) == nil)
        #expect(try RedisCommandKey.of(batch: [["PING"], ["GET", "grid:{a}:x"], ["HGET", "grid:{a}:y", "f"]]) == "grid:{a}:x")
        #expect(throws: RedisError.self) { try RedisCommandKey.of(batch: [["GET", "grid:{a}:x"], ["GET", "grid:{b}:x"]]) }
    }

    @Test func nodeAddressesParse() {
        #expect(RedisNodeAddress("127.0.0.1:7000") == RedisNodeAddress(host: "127.0.0.1", port: 7000))
        #expect(RedisNodeAddress("::1:7000") == RedisNodeAddress(host: "::1", port: 7000))
        #expect(RedisNodeAddress(host: "::1", port: 7000).description == "[::1]:7000")
        #expect(RedisNodeAddress("nohost") == nil)
        #expect(RedisNodeAddress(":7000") == nil)
        #expect(RedisNodeAddress("h:0") == nil)
    }

    @Test func everyNodeOfClusterNodesIsListed() {
        let reply = """
            07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:17004@27004,node5 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected
            67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 10.77.1.12:17001@27001 master - 0 1426238316232 2 connected 5461-10922
            bad-line
            """
        #expect(RedisNodeAddress.listed(inClusterNodes: reply) == [
            RedisNodeAddress(host: "127.0.0.1", port: 17004), RedisNodeAddress(host: "10.77.1.12", port: 17001),
        ])
    }
}
