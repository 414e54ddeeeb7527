import Foundation
import Logging
import MySQLClient
import RedisClient
import Shared
import Testing

@testable import GridServerKit

/// A Redis that restarts without entries MySQL already holds (a batch read before the restart
/// commits after it): it is never marked durable past what it holds, it is rebuilt, and every
/// session that logged in before the restore is ended so that it loads the restored cells.
@Suite(.serialized)
struct RestoreTests {
    @Test func aBatchCommittedAfterRedisLostItIsNotMarkedDurableAndTheGridIsRestored() async throws {
        try await PersistenceTests.withClients { redis, mysql in
            let grid = try await SequencerTests.newGrid("lost", redis: redis)
            let keys = GridSchema(grid: grid)
            let sequencer = Sequencer(redis: redis)
            let store = GridStore(redis: redis)
            _ = try await sequencer.submit(SequencerTests.submission(grid: grid, op: "a", value: "kept", base: .zero, user: "alice"))
            let kept = try await PersistenceTests.readLog(grid: grid, redis: redis, after: .zero)
            try await mysql.withConnection { try EventWriter.write(kept, grid: grid, on: $0) }
            #expect(try await store.publishDurable(grid: grid, kept[0].id))
            let keptRecord = try #require(try await redis.command(["HGET", keys.cells, "A1"]).string)

            _ = try await sequencer.submit(SequencerTests.submission(grid: grid, op: "b", value: "lost by Redis", base: kept[0].id, user: "bob"))
            let lost = try await PersistenceTests.readLog(grid: grid, redis: redis, after: kept[0].id)
            // Redis comes back from an AOF that ends before the entry; the persister's batch
            // (read before the restart) commits afterwards.
            _ = try await redis.pipeline([["XDEL", keys.log, lost[0].id.description], ["HSET", keys.cells, "A1", keptRecord], ["HDEL", keys.ops, "b"]])
            try await mysql.withConnection { try EventWriter.write(lost, grid: grid, on: $0) }

            #expect(try await store.publishDurable(grid: grid, lost[0].id) == false, "a Redis without the entry is not told it is durable")
            #expect(try await redis.command(["GET", keys.durable]).string == kept[0].id.description)

            try await GridRebuilder(redis: redis, mysql: mysql, logger: Logger(label: "RestoreTests")).ensure(grid: grid)
            let snapshot = try await store.snapshot(grid: grid)
            #expect(snapshot.cells["A1"]?.value == "lost by Redis")
            #expect(snapshot.cells["A1"]?.version == lost[0].id)
            let outcome = try await sequencer.submit(SequencerTests.submission(grid: grid, op: "b", value: "lost by Redis", base: kept[0].id, user: "bob"))
            #expect(outcome.outcome == .accepted(lost[0].id), "a resend of the lost op gets its first outcome back")
            let announcements = try await redis.command(["XRANGE", keys.ephemeral, "-", "+"]).array?.compactMap { entry -> Int64? in
                guard let fields = entry.array?.last?.array, fields.first?.string == "restored" else { return nil }
                return fields.last?.string.flatMap { Int64($0) }
            } ?? []
            #expect(announcements.count == 1)
            #expect(announcements.allSatisfy { $0 <= snapshot.takenAt }, "a snapshot taken after the restore is not stale")
        }
    }

    @Test(.timeLimit(.minutes(1))) func sessionsWithASnapshotOlderThanARestoreAreEndedAndNewerOnesStay() async throws {
        let redis = try RedisTestSupport.makeClient()
        defer { Task { await redis.shutdown() } }
        let grid = try await SequencerTests.newGrid("restored", redis: redis)
        let hub = GridHub(grid: grid, redis: redis, logger: Logger(label: "RestoreTests"))
        let tails = GridTails(redis: redis, connections: 1, logger: Logger(label: "RestoreTests"))
        await tails.add(hub, at: try await hub.prepare())
        let tail = Task { await tails.run() }
        defer { tail.cancel() }
        let store = GridStore(redis: redis)
        let before = SessionOutbox(limit: 100)
        let after = SessionOutbox(limit: 100)
        let loggingIn = SessionOutbox(limit: 100)
        let old = try await store.snapshot(grid: grid)
        await hub.subscribe(session: "before", outbox: before)
        await hub.activate(session: "before", welcome: "welcome-before", version: old.version, snapshotAt: old.takenAt)
        await hub.subscribe(session: "logging-in", outbox: loggingIn)

        _ = try await GridSchema.Scripts.announceRestore.run(redis, keys: [GridSchema(grid: grid).ephemeral], args: [])
        let ended = await Self.frames(until: before)
        #expect(ended.first == "welcome-before")
        #expect(ended.last?.contains("\"code\":\"grid_unavailable\"") == true, "\(ended)")

        // The hub has seen the restore: a snapshot taken before it is refused, one after it is not.
        let fresh = try await store.snapshot(grid: grid)
        await hub.subscribe(session: "after", outbox: after)
        await hub.activate(session: "after", welcome: "welcome-after", version: fresh.version, snapshotAt: fresh.takenAt)
        await hub.activate(session: "logging-in", welcome: "welcome-logging-in", version: old.version, snapshotAt: old.takenAt)
        let refused = await Self.frames(until: loggingIn)
        #expect(refused.count == 1 && refused[0].contains("grid_unavailable"), "\(refused)")
        #expect(await hub.sessionIDs == ["after"])
    }

    /// Every frame queued until the outbox is finished, as a connection's writer would take them.
    private static func frames(until outbox: SessionOutbox) async -> [String] {
        var texts: [String] = []
        while !outbox.isFinished {
            texts += outbox.take().map(\.text)
            try? await Task.sleep(for: .milliseconds(10))
        }
        return texts + outbox.take().map(\.text)
    }
}
