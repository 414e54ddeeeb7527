import RedisClient
import Testing

/// URL parsing and redaction; needs no server.
@Suite struct RedisConfigurationTests {
    @Test func defaultsMatchAPrivateLocalRedis() {
        let configuration = RedisConfiguration()
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 6379)
        #expect(configuration.password == nil)
        #expect(configuration.database == 0)
        #expect(configuration.dedicatedConnectionLimit == 64)
        #expect(configuration.commandTimeout == .seconds(5) && configuration.probeTimeout == .seconds(30))
        #expect(configuration.redactedURL == "redis://127.0.0.1:6379/0")
    }

    @Test func parsesHostPortAndDatabase() throws {
        let configuration = try RedisConfiguration(url: "redis://cache.internal:16379/2")
        #expect(configuration.host == "cache.internal")
        #expect(configuration.port == 16379)
        #expect(configuration.database == 2)
        #expect(configuration.password == nil)
        #expect(try RedisConfiguration(url: "redis://127.0.0.1:16379").port == 16379)
        #expect(try RedisConfiguration(url: "redis://localhost").port == 6379)
        #expect(try RedisConfiguration(url: "redis://[::1]:7000/1").host == "::1")
    }

    @Test func parsesAClusterURL() throws {
        let cluster = try RedisConfiguration(url: "redis-cluster://:s%40cret@127.0.0.1:17000,127.0.0.1:17001,[::1]:17002")
        #expect(cluster.isCluster)
        #expect(cluster.clusterSeeds == [
            RedisNodeAddress(host: "127.0.0.1", port: 17000), RedisNodeAddress(host: "127.0.0.1", port: 17001),
            RedisNodeAddress(host: "::1", port: 17002),
        ])
        #expect(cluster.password == "s@cret")
        #expect(cluster.redactedURL == "redis-cluster://:***@127.0.0.1:17000,127.0.0.1:17001,[::1]:17002")
        #expect(!(try RedisConfiguration(url: "redis://127.0.0.1:1")).isCluster)
        for bad in ["redis-cluster://", "redis-cluster://h", "redis-cluster://h:1,", "redis-cluster://h:1/2", "redis-cluster://h:99999"] {
            #expect(throws: RedisError.self, "\(bad)") { try RedisConfiguration(url: bad) }
        }
    }

    @Test func parsesCredentialsAndRedactsThePassword() throws {
        let withUser = try RedisConfiguration(url: "redis://grid:s%40cret:x@db.example:6380/5")
        #expect(withUser.username == "grid")
        #expect(withUser.password == "s@cret:x")
        #expect(withUser.redactedURL == "redis://grid:***@db.example:6380/5")

        let passwordOnly = try RedisConfiguration(url: "redis://:hunter2@127.0.0.1:16379")
        #expect(passwordOnly.username == nil)
        #expect(passwordOnly.password == "hunter2")
        #expect(passwordOnly.redactedURL == "redis://:***@127.0.0.1:16379/0")
        #expect(!passwordOnly.redactedURL.contains("hunter2"))
    }

    @Test(arguments: [
        "http://127.0.0.1:6379", "redis://host:notaport", "redis://host:0", "redis://host:70000",
        "redis://host/db", "redis://host/-1", "redis://:bad%zzpass@host", "redis://[::1",
    ])
    func rejectsMalformedURLs(url: String) {
        let error = #expect(throws: RedisError.self) { try RedisConfiguration(url: url) }
        #expect(error?.message.hasPrefix("invalid Redis URL") == true)
        #expect(error?.message.contains("bad%zzpass") == false)
    }
}
