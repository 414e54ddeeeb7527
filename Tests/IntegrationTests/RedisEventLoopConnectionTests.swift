import Foundation
import Logging
import NIOCore
import NIOPosix
import RedisClient
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The NIO-driven connections every Redis call uses, against the real Redis.
@Suite(.serialized)
struct RedisEventLoopConnectionTests {
    /// Calls made one after another, from off the loop and on it, are answered in that order:
    /// the session relies on it to answer its pipelined edits in order.
    @Test func repliesComeInTheOrderTheCallsWereMade() async throws {
        let client = try RedisTestSupport.makeClient()
        defer { Task { await client.shutdown() } }
        let connection = try client.multiplexedConnection(on: MultiThreadedEventLoopGroup.singleton.next())
        let key = RedisTestSupport.key("order")
        var offLoop: [EventLoopFuture<[RedisValue]>] = []
        for _ in 0..<500 { offLoop.append(connection.send([["INCR", key]], timeout: .seconds(5))) }
        let onLoop = try await connection.eventLoop.submit {
            (0..<500).map { _ in connection.send([["INCR", key]], timeout: .seconds(5)) }
        }.get()
        var values: [Int64] = []
        for future in offLoop + onLoop { values.append(try await future.get()[0].int ?? -1) }
        #expect(values == Array(1...1000))
        _ = try await client.command(["DEL", key])
    }

    /// Many callers at once share the connection; error replies come back in place.
    @Test func concurrentPipelinesGetTheirOwnRepliesWithErrorsInPlace() async throws {
        let client = try RedisTestSupport.makeClient()
        defer { Task { await client.shutdown() } }
        let key = RedisTestSupport.key("concurrent")
        let replies = try await withThrowingTaskGroup(of: (Int, [RedisValue]).self) { group in
            for index in 0..<200 {
                group.addTask {
                    (index, try await client.multiplexed([["HSET", key, "f\(index)", "\(index)"], ["NOSUCHCOMMAND"], ["HGET", key, "f\(index)"]]))
                }
            }
            var all: [Int: [RedisValue]] = [:]
            for try await (index, reply) in group { all[index] = reply }
            return all
        }
        #expect(replies.count == 200)
        for (index, reply) in replies {
            #expect(reply.count == 3)
            if case .error(let text) = reply[1] { #expect(text.contains("unknown command")) } else { Issue.record("no error in place: \(reply)") }
            #expect(reply[2].string == "\(index)")
        }
        _ = try await client.command(["DEL", key])
    }

    @Test func unreachableServerFailsAsConnectionFailedAndNamesIt() async throws {
        var configuration = RedisConfiguration()
        configuration.port = 1
        let client = RedisClient(configuration: configuration, logger: Logger(label: "RedisEventLoopConnectionTests"))
        defer { Task { await client.shutdown() } }
        let error = await #expect(throws: RedisError.self) { try await client.multiplexed([["PING"]]) }
        #expect(error?.code == .connectionFailed && error?.isConnectionError == true)
        #expect(error?.message.contains("127.0.0.1:1") == true)
    }

    @Test func wrongPasswordIsRefusedWithoutRevealingIt() async throws {
        var configuration = try RedisTestSupport.configuration()
        let password = "pw-\(UUID().uuidString)"
        configuration.password = password
        let client = RedisClient(configuration: configuration, logger: Logger(label: "RedisEventLoopConnectionTests"))
        defer { Task { await client.shutdown() } }
        let error = await #expect(throws: RedisError.self) { try await client.multiplexed([["PING"]]) }
        #expect(error?.code == .authenticationFailed)
        #expect(error.map { !$0.message.contains(password) } == true)
    }

    /// A blocked read ends when the caller is cancelled, and the connection serves the next call.
    @Test(.timeLimit(.minutes(1))) func cancellingABlockedReadEndsItAndTheNextCallReconnects() async throws {
        let client = try RedisTestSupport.makeClient()
        defer { Task { await client.shutdown() } }
        try await client.withDedicatedConnection { connection in
            let key = RedisTestSupport.key("blocked")
            let started = ContinuousClock.now
            let blocked = Task { try await connection.command(["XREAD", "BLOCK", "20000", "STREAMS", key, "$"], timeout: .seconds(30)) }
            try await Task.sleep(for: .milliseconds(200))
            blocked.cancel()
            _ = await blocked.result
            #expect(ContinuousClock.now - started < .seconds(10), "the cancelled read kept waiting")
            #expect(try await connection.command(["PING"], timeout: .seconds(5)).string == "PONG")
        }
    }

    /// Redis paused (as when it is too busy to answer for a while): replies come later than the
    /// command timeout, the probe is answered late too, and nothing fails.
    @Test(.timeLimit(.minutes(1))) func aPausedRedisIsSlowNotLost() async throws {
        var configuration = try RedisTestSupport.configuration()
        configuration.commandTimeout = .milliseconds(300)
        configuration.probeTimeout = .seconds(5)
        let client = try RedisTestSupport.makeClient(configuration)
        let admin = try RedisTestSupport.makeClient()
        defer { Task { await client.shutdown(); await admin.shutdown() } }
        let key = RedisTestSupport.key("paused")
        _ = try await client.command(["SET", key, "kept"])
        _ = try await admin.command(["CLIENT", "PAUSE", "1500", "ALL"])
        let started = ContinuousClock.now
        #expect(try await client.command(["GET", key]).string == "kept")
        #expect(ContinuousClock.now - started >= .milliseconds(300))
        #expect(client.slowReplies >= 1)
        #expect(client.failedProbes == 0)
        _ = try await client.command(["DEL", key])
    }

    /// Redis frozen (SIGSTOP): the connection is open but nothing answers, not even the probe,
    /// so the call fails as lost, and the next call after Redis resumes works.
    @Test(.timeLimit(.minutes(1))) func aFrozenRedisIsLostOnceTheProbeFails() async throws {
        var configuration = try RedisTestSupport.configuration()
        configuration.commandTimeout = .milliseconds(300)
        configuration.probeTimeout = .milliseconds(500)
        let client = try RedisTestSupport.makeClient(configuration)
        defer { Task { await client.shutdown() } }
        let info = try #require(try await client.command(["INFO", "server"]).string)
        let pid = try #require(info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("process_id:") }.flatMap { Int32($0.dropFirst(11)) })
        kill(pid, SIGSTOP)
        let started = ContinuousClock.now
        let error = await #expect(throws: RedisError.self) { try await client.command(["PING"]) }
        let elapsed = ContinuousClock.now - started
        kill(pid, SIGCONT)
        #expect(error?.code == .timeout && error?.isConnectionError == true)
        #expect(error?.message.contains("probe") == true)
        #expect(elapsed < .seconds(5))
        #expect(client.failedProbes >= 1)
        #expect(try await client.command(["PING"]).string == "PONG")
    }
}
