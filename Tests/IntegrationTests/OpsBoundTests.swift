import Foundation
import Logging
import MySQLClient
import NIOPosix
import RedisClient
import Shared
import Testing

@testable import GridServerKit

/// Op outcomes leave Redis once durable for the grace period, and a resend of an op Redis has
/// forgotten is answered from MySQL, never applied twice (docs/PROTOCOL.md §6).
@Suite(.serialized)
struct OpsBoundTests {
    static func configuration() -> ServerConfiguration.PersisterConfiguration {
        var configuration = ServerConfiguration.PersisterConfiguration()
        configuration.batchSize = 50
        configuration.leaseMilliseconds = 2000
        configuration.trimAfter = .milliseconds(500)
        configuration.opsGrace = .seconds(1)
        return configuration
    }

    /// Runs a persister for `grid` alone (not every grid of the shared test Redis) during `body`.
    static func persisting(
        _ grid: String, redis: RedisClient, mysql: MySQLClient, _ body: () async throws -> Void
    ) async throws {
        let persister = Persister(
            redis: redis, mysql: mysql, serverID: "ops-test", configuration: configuration(), logger: Logger(label: "OpsBoundTests")
        )
        let task = Task { await persister.persist(grid: grid) }
        do {
            try await body()
        } catch {
            task.cancel()
            await task.value
            throw error
        }
        task.cancel()
        await task.value
    }

    /// Writes `count` edits on 10 cells, some of them conflicts; returns each op's outcome.
    static func edit(_ grid: String, redis: RedisClient, from start: Int, count: Int) async throws -> [String: SequencerOutcome] {
        let sequencer = Sequencer(redis: redis)
        var model = GridModel()
        var outcomes: [String: SequencerOutcome] = [:]
        for index in start..<(start + count) {
            let cell = "B\(index % 10 + 1)"
            let base = index % 7 == 0 ? Version.zero : model.baseVersion(of: cell)
            let op = "op-\(index)"
            let result = try await sequencer.submit(SequencerTests.submission(grid: grid, op: op, cell: cell, value: "v\(index)", base: base, user: "u"))
            outcomes[op] = result.outcome
            for event in try await PersistenceTests.readLog(grid: grid, redis: redis, after: model.version) { model.apply(event) }
        }
        return outcomes
    }

    static func waitUntil(_ what: String, seconds: Double = 20, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while try await !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out waiting until \(what)")
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    static func count(_ redis: RedisClient, _ command: String, _ key: String) async throws -> Int {
        Int(try await redis.command([command, key]).int ?? -1)
    }

    @Test func opOutcomesLeaveRedisOnceDurableForTheGracePeriodAndStayBoundedByTheGrid() async throws {
        try await PersistenceTests.withClients { redis, mysql in
            let grid = try await SequencerTests.newGrid("opsbound", redis: redis)
            let keys = GridSchema(grid: grid)
            // A legacy op hash of a server before issue 10 is still answered (it is dropped a
            // minute after the persister starts: PersisterStateMachineTests).
            _ = try await redis.command(["HSET", keys.legacyOps, "legacy-1", "a\t1-0"])
            let legacy = try await Sequencer(redis: redis).submit(SequencerTests.submission(grid: grid, op: "legacy-1", value: "x", base: .zero, user: "u"))
            #expect(legacy.duplicate && legacy.outcome == .accepted(Version(milliseconds: 1, sequence: 0)))
            try await Self.persisting(grid, redis: redis, mysql: mysql) {
                var sizes: [Int] = []
                for round in 0..<3 {
                    let outcomes = try await Self.edit(grid, redis: redis, from: round * 200, count: 200)
                    // The newest outcome is fresh: it stays for the grace period after it is durable.
                    // (Older ones of the round may already be gone when the 200 edits took longer
                    // than the grace on a busy machine.)
                    #expect(try await redis.command(["HEXISTS", keys.ops, "op-\(round * 200 + 199)"]).int == 1, "fresh outcomes stay in Redis")
                    let last = outcomes.values.map(\.version).max()!
                    try await Self.waitUntil("durable reaches \(last)") {
                        (try await redis.command(["GET", keys.durable]).string.flatMap { Version($0) } ?? .zero) >= last
                    }
                    try await Self.waitUntil("the outcomes are trimmed") { try await Self.count(redis, "HLEN", keys.ops) == 0 }
                    #expect(try await Self.count(redis, "ZCARD", keys.opsByVersion) == 0)
                    sizes.append(try await Self.count(redis, "XLEN", keys.log))
                }
                // Trimming keeps whole stream nodes: at most one node (100 entries) beyond the cut.
                #expect(sizes.allSatisfy { $0 <= 200 }, "the stream stays bounded: \(sizes)")
                #expect(try await Self.count(redis, "HLEN", keys.cells) == 10)
            }
            let stored = try await mysql.query("SELECT COUNT(*) AS n FROM ops WHERE grid = ? AND op_id IS NOT NULL", [.text(grid)])
            #expect(stored.first?["n"].int == 600)
        }
    }

    @Test func anOldResendAfterTrimmingIsAnsweredFromMySQLAndNeverAppliedTwice() async throws {
        try await PersistenceTests.withClients { redis, mysql in
            let grid = try await SequencerTests.newGrid("oldresend", redis: redis)
            let keys = GridSchema(grid: grid)
            var outcomes: [String: SequencerOutcome] = [:]
            try await Self.persisting(grid, redis: redis, mysql: mysql) {
                outcomes = try await Self.edit(grid, redis: redis, from: 0, count: 30)
                try await Self.waitUntil("the outcomes are trimmed") { try await Self.count(redis, "HLEN", keys.ops) == 0 }
            }
            let accepted = try #require(outcomes.first { if case .accepted = $0.value { true } else { false } })
            let lost = try #require(outcomes.first { if case .conflict = $0.value { true } else { false } })
            let newestBefore = try await GridStore(redis: redis).newestLogEntry(grid: grid)

            let services = try Self.services(redis: redis, mysql: mysql)
            let outbox = SessionOutbox(limit: 100)
            let pipeline = EditPipeline(context: .init(services: services, outbox: outbox, logger: Logger(label: "OpsBoundTests")))
            let connection = try redis.multiplexedConnection(on: MultiThreadedEventLoopGroup.singleton.next())
            func resend(_ op: String, cell: String, value: String, resend: Bool?) async {
                let edit = ClientMessage.Edit(.set, op: op, cell: cell, value: value, base: .zero, resend: resend)
                var submission = SequencerTests.submission(grid: grid, op: op, cell: cell, value: value, base: .zero, user: "u")
                submission.resend = resend ?? false
                await pipeline.add(.init(edit: edit, submission: submission, received: .now, reply: services.sequencer.issue(submission, on: connection)))
            }
            await resend(accepted.key, cell: "B1", value: "again", resend: true)
            await resend(lost.key, cell: "B2", value: "again", resend: true)
            // Marked as a resend but never sequenced (it was lost on the way): sequenced now.
            await resend("never-seen", cell: "C1", value: "new", resend: true)
            await pipeline.finish()
            let codec = WireCodec()
            let answers = try outbox.take().map { try codec.decodeServerMessage($0.text) }
            #expect(answers.count == 3)
            guard answers.count == 3 else { return }
            #expect(answers[0] == .ack(.init(op: accepted.key, cell: "B1", version: accepted.value.version)))
            if case .conflict(let version, let winner) = lost.value, case .conflict(let conflict) = answers[1] {
                #expect(conflict.version == version && conflict.theirs == winner)
            } else {
                Issue.record("the lost op must be answered with its conflict: \(answers[1])")
            }
            guard case .ack(let fresh) = answers[2] else {
                Issue.record("an op no store knows must be sequenced: \(answers[2])")
                return
            }
            #expect(fresh.version > newestBefore!)
            // Only the never-seen op reached the log; the old ones were not applied again.
            let after = try await PersistenceTests.readLog(grid: grid, redis: redis, after: newestBefore!)
            #expect(after.map(\.op) == ["never-seen"])
        }
    }

    static func services(redis: RedisClient, mysql: MySQLClient) throws -> ServerServices {
        var configuration = ServerConfiguration()
        configuration.authentication = .disabled
        configuration.serverID = "ops-test"
        configuration.spoolDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("ops-test-\(UUID().uuidString)").path
        return try ServerServices(configuration: configuration, redis: redis, mysql: mysql, logger: Logger(label: "OpsBoundTests"))
    }
}
