import Foundation
import Logging
import RedisClient
import Testing

/// Runs against the private Redis (`scripts/services up`, REDIS_URL). Serialized because the
/// restart test kills that server.
@Suite(.serialized)
struct RedisClientTests {
    @Test func setAndGetKeepArbitraryTextByteForByte() async throws {
        let client = try RedisTestSupport.makeClient()
        let values = [
            "hello world",
            "with \"double\" and 'single' quotes",
            "line one\nline two\r\nline three",
            "\u{1b}[2J\u{1b}[H",
            "emoji 🎉 👩‍💻 and accents: déjà vu",
            "",
            "nul\u{0}inside",
            "  padded  ",
            "%s %d %b $1 *3",
        ]
        for (index, value) in values.enumerated() {
            let key = RedisTestSupport.key("text \(index) with spaces")
            #expect(try await client.command("SET", key, value) == .status("OK"))
            let reply = try await client.command("GET", key)
            #expect(reply.string == value)
            #expect(reply.bytes == Array(value.utf8))
            #expect(try await client.command("STRLEN", key).int == Int64(value.utf8.count))
            _ = try await client.command("DEL", key)
        }

        let binaryKey = RedisTestSupport.key("binary")
        let allBytes = (0...255).map { UInt8($0) }
        _ = try await client.command(bytes: [Array("SET".utf8), Array(binaryKey.utf8), allBytes])
        #expect(try await client.command(bytes: [Array("GET".utf8), Array(binaryKey.utf8)]) == .bulk(allBytes))
        _ = try await client.command("DEL", binaryKey)
        await client.shutdown()
    }

    @Test func integerArrayNullAndStatusRepliesDecode() async throws {
        let client = try RedisTestSupport.makeClient()
        let counter = RedisTestSupport.key("counter")
        let list = RedisTestSupport.key("list")

        #expect(try await client.command("INCRBY", counter, "41") == .integer(41))
        #expect(try await client.command("GET", counter).int == 41)
        #expect(try await client.command("RPUSH", list, "a", "b c", "") == .integer(3))
        let range = try await client.command("LRANGE", list, "0", "-1")
        #expect(range == .array([.bulk(Array("a".utf8)), .bulk(Array("b c".utf8)), .bulk([])]))
        #expect(range.array?.map(\.string) == ["a", "b c", ""])
        let missing = try await client.command("GET", RedisTestSupport.key("missing"))
        #expect(missing.isNull)
        #expect(missing.string == nil)
        #expect(try await client.command("HGETALL", RedisTestSupport.key("missing-hash")) == .array([]))
        #expect(try await client.command("PING") == .status("PONG"))
        #expect(try await client.command(["PING"]).string == "PONG")

        _ = try await client.command("DEL", counter, list)
        await client.shutdown()
    }

    @Test func serverErrorRepliesThrowWithTheServersText() async throws {
        let client = try RedisTestSupport.makeClient()
        let key = RedisTestSupport.key("not-a-number")
        _ = try await client.command("SET", key, "abc")

        let incr = await #expect(throws: RedisError.self) { try await client.command("INCR", key) }
        #expect(incr?.code == .serverError)
        #expect(incr?.message.hasPrefix("ERR value is not an integer") == true)
        #expect(incr?.isConnectionError == false)

        let noScript = await #expect(throws: RedisError.self) {
            try await client.command("EVALSHA", String(repeating: "0", count: 40), "0")
        }
        #expect(noScript?.message.hasPrefix("NOSCRIPT") == true)

        let unknown = await #expect(throws: RedisError.self) { try await client.command("NO-SUCH-COMMAND", "x") }
        #expect(unknown?.message.contains("unknown command") == true)

        // An error reply leaves the connection in step: the next reply is the right one.
        #expect(try await client.command("GET", key).string == "abc")
        _ = try await client.command("DEL", key)
        await client.shutdown()
    }

    @Test func pipelineOfAThousandCommandsKeepsOrderAndInlineErrors() async throws {
        let client = try RedisTestSupport.makeClient()
        let counter = RedisTestSupport.key("pipeline")
        let text = RedisTestSupport.key("pipeline-text")
        _ = try await client.command("SET", text, "abc")

        var commands = (0..<1000).map { _ in ["INCR", counter] }
        commands[500] = ["INCR", text]
        let replies = try await client.pipeline(commands)

        #expect(replies.count == 1000)
        #expect(replies[0] == .integer(1))
        #expect(replies[499] == .integer(500))
        #expect(replies[500].errorMessage?.hasPrefix("ERR value is not an integer") == true)
        #expect(replies[501] == .integer(501))
        #expect(replies[999] == .integer(999))
        #expect(try await client.pipeline([]) == [])
        #expect(try await client.command("GET", counter).int == 999)

        _ = try await client.command("DEL", counter, text)
        await client.shutdown()
    }

    @Test func fiftyConcurrentIncrementsAllLand() async throws {
        let client = try RedisTestSupport.makeClient()
        let counter = RedisTestSupport.key("concurrent")

        let seen = try await withThrowingTaskGroup(of: Int64.self) { group in
            for _ in 0..<50 {
                group.addTask { try await client.command("INCR", counter).int ?? -1 }
            }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }

        #expect(Set(seen) == Set(1...50))
        #expect(try await client.command("GET", counter).int == 50)
        _ = try await client.command("DEL", counter)
        await client.shutdown()
    }

    @Test func evalRunsALuaScript() async throws {
        let client = try RedisTestSupport.makeClient()
        let key = RedisTestSupport.key("lua")
        let script = "local n = redis.call('INCRBY', KEYS[1], ARGV[1]) return {KEYS[1], ARGV[1], n}"

        let reply = try await client.command("EVAL", script, "1", key, "5")
        #expect(reply == .array([.bulk(Array(key.utf8)), .bulk(Array("5".utf8)), .integer(5)]))

        let failing = await #expect(throws: RedisError.self) {
            try await client.command("EVAL", "return redis.call('NO-SUCH-COMMAND')", "0")
        }
        #expect(failing?.code == .serverError)

        _ = try await client.command("DEL", key)
        await client.shutdown()
    }

    @Test func blockingXreadReturnsAnEntryAddedWhileItWaits() async throws {
        let client = try RedisTestSupport.makeClient()
        let stream = RedisTestSupport.key("stream")
        // Reading after a known id, not "$", so the entry is returned whichever runs first.
        let startID = try #require(try await client.command("XADD", stream, "*", "kind", "start").string)

        try await client.withDedicatedConnection { blocking in
            let reader = Task {
                try await blocking.command(["XREAD", "COUNT", "10", "BLOCK", "5000", "STREAMS", stream, startID], timeout: .seconds(8))
            }
            try await Task.sleep(for: .milliseconds(200))
            // The shared connections stay free while the reader waits on its own.
            let clock = ContinuousClock()
            let started = clock.now
            #expect(try await client.command("PING") == .status("PONG"))
            #expect(clock.now - started < .seconds(1))
            let entryID = try #require(try await client.command("XADD", stream, "*", "cell", "B2", "value", "héllo \"x\"").string)

            let reply = try await reader.value
            let streams = try #require(reply.array)
            #expect(streams.count == 1)
            #expect(streams.first?.array?.first?.string == stream)
            let entries = try #require(streams.first?.array?.last?.array)
            #expect(entries.count == 1)
            #expect(entries.first?.array?.first?.string == entryID)
            #expect(entries.first?.array?.last?.array?.map(\.string) == ["cell", "B2", "value", "héllo \"x\""])

            let empty = try await blocking.command(["XREAD", "BLOCK", "100", "STREAMS", stream, "$"], timeout: .seconds(3))
            #expect(empty.isNull)
        }
        _ = try await client.command("DEL", stream)
        await client.shutdown()
    }

    /// A blocked read that outlasts its timeout is slow, not lost: Redis answers the probe, so
    /// the call waits on and gets its reply.
    @Test func aBlockingReadLongerThanItsTimeoutIsSlowNotLost() async throws {
        let client = try RedisTestSupport.makeClient()
        let stream = RedisTestSupport.key("timeout-stream")
        let reply = try await client.withDedicatedConnection { blocking in
            try await blocking.command(["XREAD", "BLOCK", "1500", "STREAMS", stream, "$"], timeout: .milliseconds(300))
        }
        #expect(reply.isNull)
        #expect(client.slowReplies >= 1)
        #expect(client.failedProbes == 0)
        await client.shutdown()
    }

    @Test func cancellingTheCallerInterruptsABlockedRead() async throws {
        let client = try RedisTestSupport.makeClient()
        let stream = RedisTestSupport.key("cancel-stream")
        let clock = ContinuousClock()

        try await client.withDedicatedConnection { blocking in
            let reader = Task {
                try await blocking.command(["XREAD", "BLOCK", "0", "STREAMS", stream, "$"], timeout: .seconds(60))
            }
            try await Task.sleep(for: .milliseconds(300))
            let started = clock.now
            reader.cancel()
            await #expect(throws: CancellationError.self) { try await reader.value }
            #expect(clock.now - started < .seconds(2))

            #expect(try await blocking.command(["PING"], timeout: .seconds(2)) == .status("PONG"))
        }
        await client.shutdown()
    }

    /// Leases beyond the limit wait for one to end instead of opening more connections.
    @Test func dedicatedLeasesBeyondTheLimitWait() async throws {
        var configuration = try RedisTestSupport.configuration()
        configuration.dedicatedConnectionLimit = 1
        let client = try RedisTestSupport.makeClient(configuration)
        let clock = ContinuousClock()
        let started = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    try await client.withDedicatedConnection { connection in
                        _ = try await connection.command(["XREAD", "BLOCK", "400", "STREAMS", RedisTestSupport.key("lease"), "$"], timeout: .seconds(5))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(clock.now - started >= .milliseconds(800), "the second lease did not wait for the first")
        await client.shutdown()
    }

    @Test func shutdownClosesEverythingAndLaterCallsThrowClosed() async throws {
        let client = try RedisTestSupport.makeClient()
        #expect(try await client.command("PING") == .status("PONG"))

        let stream = RedisTestSupport.key("shutdown-stream")
        let reader = Task {
            try await client.withDedicatedConnection { blocking in
                try await blocking.command(["XREAD", "BLOCK", "0", "STREAMS", stream, "$"], timeout: .seconds(60))
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        await client.shutdown()

        let pending = await #expect(throws: RedisError.self) { try await reader.value }
        #expect(pending?.code == .closed)
        let later = await #expect(throws: RedisError.self) { try await client.command("PING") }
        #expect(later?.code == .closed)
        let pipelined = await #expect(throws: RedisError.self) { try await client.pipeline([["PING"]]) }
        #expect(pipelined?.code == .closed)
        let afterwards = await #expect(throws: RedisError.self) {
            try await client.withDedicatedConnection { try await $0.command(["PING"], timeout: .seconds(1)) }
        }
        #expect(afterwards?.code == .closed)
        await client.shutdown()
    }

    @Test func wrongPasswordFailsWithoutRevealingIt() async throws {
        var configuration = try RedisTestSupport.configuration()
        let password = "pw-\(UUID().uuidString)"
        configuration.password = password
        let (logger, logs) = RedisCapturingLogHandler.logger()
        let client = RedisClient(configuration: configuration, logger: logger)

        let error = await #expect(throws: RedisError.self) { try await client.command("PING") }
        #expect(error?.code == .authenticationFailed)
        #expect(error?.isConnectionError == false)
        #expect(error.map { !$0.message.contains(password) && !$0.description.contains(password) } == true)
        #expect(!logs.all.isEmpty)
        #expect(logs.all.allSatisfy { !$0.contains(password) })
        #expect(configuration.redactedURL.contains(":***@"))
        await client.shutdown()
    }

    /// Redis AUTH end to end: a throwaway ACL user (the default user, which other tests use,
    /// is left alone) with a password that needs percent-encoding in the URL.
    @Test func aclUserAndPasswordFromTheURLAuthenticate() async throws {
        let admin = try RedisTestSupport.makeClient()
        let user = "cgtest-\(UUID().uuidString.prefix(8).lowercased())"
        let password = "p@ss:w/rd \(UUID().uuidString)"
        _ = try await admin.command("ACL", "SETUSER", user, "on", ">\(password)", "~*", "&*", "+@all")
        let base = try RedisTestSupport.configuration()
        let encoded = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let url = "redis://\(user):\(encoded)@\(base.host):\(base.port)"
        let (logger, logs) = RedisCapturingLogHandler.logger()
        let configuration = try RedisConfiguration(url: url)
        #expect(configuration.password == password && configuration.username == user)
        #expect(!configuration.redactedURL.contains(encoded) && !configuration.redactedURL.contains(password))
        let client = RedisClient(configuration: configuration, logger: logger)
        let key = RedisTestSupport.key("acl")
        _ = try await client.command("SET", key, "authenticated")
        #expect(try await client.command("GET", key).string == "authenticated")
        #expect(try await client.command("ACL", "WHOAMI").string == user)
        _ = try await client.command("DEL", key)
        await client.shutdown()
        _ = try await admin.command("ACL", "DELUSER", user)
        await admin.shutdown()
        #expect(logs.all.allSatisfy { !$0.contains(password) && !$0.contains(encoded) })
    }

    @Test func unreachableServerFailsAsConnectionFailed() async throws {
        var configuration = RedisConfiguration()
        configuration.port = 1
        let client = RedisClient(configuration: configuration, logger: Logger(label: "RedisClientTests"))
        let error = await #expect(throws: RedisError.self) { try await client.command("PING") }
        #expect(error?.code == .connectionFailed)
        #expect(error?.isConnectionError == true)
        #expect(error?.message.contains("refused") == true)
        await client.shutdown()
    }

    @Test func databaseFromTheURLIsSelected() async throws {
        var configuration = try RedisTestSupport.configuration()
        configuration.database = 3
        let selected = RedisClient(configuration: configuration, logger: Logger(label: "RedisClientTests"))
        let plain = try RedisTestSupport.makeClient()
        let key = RedisTestSupport.key("db3")

        _ = try await selected.command("SET", key, "in three")
        #expect(try await selected.command("GET", key).string == "in three")
        #expect(try await plain.command("GET", key).isNull)

        _ = try await selected.command("DEL", key)
        await selected.shutdown()
        await plain.shutdown()
    }

    @Test(
        .enabled(if: !RedisTestSupport.skipRestart, "GRID_SKIP_RESTART=1: not killing and restarting the private Redis")
    )
    func recoversAfterTheServerIsKilledAndRestarted() async throws {
        let client = try RedisTestSupport.makeClient()
        let key = RedisTestSupport.key("restart")
        _ = try await client.command("SET", key, "before")
        try await client.withDedicatedConnection { blocking in
            // Open every shared connection so all of them go stale when the server dies.
            try await Self.pingEveryLoop(client)
            #expect(try await blocking.command(["PING"], timeout: .seconds(2)) == .status("PONG"))

            try await RedisTestSupport.services("kill", "redis")
            // A killed Redis is lost at once (the connection broke), not after a timeout.
            let clock = ContinuousClock()
            let started = clock.now
            let down = await #expect(throws: RedisError.self) { try await client.command("GET", key) }
            #expect(down?.isConnectionError == true)
            #expect(down?.code != .timeout)
            let blockingDown = await #expect(throws: RedisError.self) {
                try await blocking.command(["PING"], timeout: .seconds(2))
            }
            #expect(blockingDown?.isConnectionError == true)
            #expect(clock.now - started < .seconds(2))
            try await RedisTestSupport.services("start", "redis")
            try await Self.expectRecovery(client: client, blocking: blocking, key: key)

            // A restart nobody noticed: every connection is dead but none has failed yet.
            try await RedisTestSupport.services("kill", "redis")
            try await RedisTestSupport.services("start", "redis")
            try await Self.expectRecovery(client: client, blocking: blocking, key: key)
        }
        _ = try await client.command("DEL", key)
        await client.shutdown()
    }

    private static func pingEveryLoop(_ client: RedisClient) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { _ = try await client.command("PING") } }
            try await group.waitForAll()
        }
    }

    /// The first call after a restart may still meet a dead connection; a later one must not.
    private static func expectRecovery(client: RedisClient, blocking: RedisEventLoopConnection, key: String) async throws {
        var failures: [RedisError] = []
        var value: RedisValue?
        for _ in 0..<3 where value == nil {
            do {
                value = try await client.command("GET", key)
            } catch let error as RedisError where error.isConnectionError {
                failures.append(error)
            }
        }
        #expect(failures.count <= 2, "failures after restart: \(failures)")
        #expect(value?.string == "before")

        var blockingReply: RedisValue?
        for _ in 0..<2 where blockingReply == nil {
            blockingReply = try? await blocking.command(["PING"], timeout: .seconds(2))
        }
        #expect(blockingReply == .status("PONG"))

        // Every shared connection was replaced, not only the first one.
        try await pingEveryLoop(client)
    }
}
