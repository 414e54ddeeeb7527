import Foundation
import Logging
import MySQLClient
import RedisClient
import Shared
import Testing

@testable import GridServerKit

/// Costs that follow activity (issue 11): edits mark their grid dirty for the persister pool,
/// a pass drains the grid and clears the mark, and an idle grid leaves Redis and comes back
/// from MySQL at the next login.
@Suite(.serialized)
struct ScalingTests {
    static func persister(_ redis: RedisClient, _ mysql: MySQLClient) -> Persister {
        Persister(redis: redis, mysql: mysql, serverID: "scaling-test", configuration: OpsBoundTests.configuration(), logger: Logger(label: "ScalingTests"))
    }

    static func markScore(_ grid: String, redis: RedisClient) async throws -> RedisValue {
        try await redis.command(["ZSCORE", GridSchema.dirty, grid])
    }

    @Test func anEditMarksItsGridDirtyAndAPassDrainsItAndClearsTheMark() async throws {
        try await PersistenceTests.withClients { redis, mysql in
            let grid = try await SequencerTests.newGrid("dirty", redis: redis)
            _ = try await Sequencer(redis: redis).submit(SequencerTests.submission(grid: grid, op: "op-1", value: "x", base: .zero, user: "u"))
            #expect(try await Self.markScore(grid, redis: redis).isNull == false)
            let outcome = await Self.persister(redis, mysql).pass(grid: grid)
            #expect(outcome == .caughtUp)
            let rows = try await mysql.query("SELECT COUNT(*) AS n FROM ops WHERE grid = ?", [.text(grid)])
            #expect(rows.first?["n"].int == 1)
            // Only trimming is left: the mark is due later, not now.
            let due = try await GridStore(redis: redis).dueGrids(now: WallClock.nowMilliseconds(), limit: 100_000)
            #expect(!due.contains(grid))
        }
    }

    @Test func anIdleGridLeavesRedisAndIsRebuiltAtTheNextLoginAndTakesAnEditAtOnce() async throws {
        try await PersistenceTests.withClients { redis, mysql in
            let store = GridStore(redis: redis)
            let grid = try await SequencerTests.newGrid("evict", redis: redis)
            let first = try await Sequencer(redis: redis).submit(SequencerTests.submission(grid: grid, op: "op-1", value: "kept", base: .zero, user: "u"))
            #expect(await Self.persister(redis, mysql).pass(grid: grid) == .caughtUp)
            // Used long ago: eviction takes it.
            _ = try await redis.command(["ZADD", GridSchema.lastUsed, "1", grid])
            _ = try await redis.command(["DEL", GridSchema(grid: grid).persisterLease])
            #expect(try await store.idleGrids(before: WallClock.nowMilliseconds() - 1000, limit: 100_000).contains(grid))
            #expect(try await store.evict(grid: grid))
            for key in GridSchema(grid: grid).allKeys {
                #expect(try await redis.command(["EXISTS", key]).int == 0, "\(key) left Redis")
            }
            // The next login rebuilds it from MySQL.
            try await GridRebuilder(redis: redis, mysql: mysql, logger: Logger(label: "ScalingTests")).ensure(grid: grid)
            let snapshot = try await store.snapshot(grid: grid)
            guard case .accepted(let version) = first.outcome else { Issue.record("first edit not accepted"); return }
            #expect(snapshot.cells["A1"]?.value == "kept")
            #expect(snapshot.cells["A1"]?.version == version)
            // An edit right after, on the restored version, is accepted and becomes durable.
            let next = try await Sequencer(redis: redis).submit(SequencerTests.submission(grid: grid, op: "op-2", value: "new", base: version, user: "u"))
            guard case .accepted(let newVersion) = next.outcome else { Issue.record("edit after the rebuild refused: \(next.outcome)"); return }
            #expect(newVersion > version)
            #expect(await Self.persister(redis, mysql).pass(grid: grid) == .caughtUp)
            let cells = try await mysql.query("SELECT value FROM cells WHERE grid = ? AND cell = 'A1'", [.text(grid)])
            #expect(cells.first?["value"].string == "new")
        }
    }

    @Test func aGridInUseStaysInRedis() async throws {
        try await PersistenceTests.withClients { redis, mysql in
            let store = GridStore(redis: redis)
            let grid = try await SequencerTests.newGrid("busy", redis: redis)
            _ = try await Sequencer(redis: redis).submit(SequencerTests.submission(grid: grid, op: "op-1", value: "x", base: .zero, user: "u"))
            // Not yet in MySQL: it must stay.
            #expect(try await store.evict(grid: grid) == false)
            #expect(try await redis.command(["EXISTS", GridSchema(grid: grid).log]).int == 1)
        }
    }

    /// A server died while its worker held a dirty grid: the lease and the mark it pushed a lease
    /// ahead are all that is left. Another server's pool takes the grid once the lease has run
    /// out, and the edit becomes durable.
    @Test(.timeLimit(.minutes(1))) func aDirtyGridWhosePersistersServerDiedIsTakenOverWithinTheLeaseTime() async throws {
        try await PersistenceTests.withClients { redis, mysql in
            let store = GridStore(redis: redis)
            let grid = try await SequencerTests.newGrid("orphaned", redis: redis)
            _ = try await Sequencer(redis: redis).submit(SequencerTests.submission(grid: grid, op: "op-1", value: "x", base: .zero, user: "u"))
            let lease = OpsBoundTests.configuration().leaseMilliseconds
            #expect(try await store.takeLease(grid: grid, holder: "died", milliseconds: lease) == .taken)
            try await store.postponeMark(grid: grid, by: lease)
            let started = ContinuousClock.now
            let pool = Task { try await Self.persister(redis, mysql).run() }
            defer { pool.cancel() }
            var persisted = false
            while !persisted && ContinuousClock.now - started < .milliseconds(lease) + .seconds(5) {
                try await Task.sleep(for: .milliseconds(50))
                persisted = try await mysql.query("SELECT COUNT(*) AS n FROM ops WHERE grid = ?", [.text(grid)]).first?["n"].int == 1
            }
            #expect(persisted, "the orphaned grid was not taken over within the lease time and 5 s")
        }
    }
}
