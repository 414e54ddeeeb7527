import Foundation
import Logging
import MySQLClient
import RedisClient
import Shared
import Testing

@testable import GridServerKit

/// The persistence path against the real Redis and MariaDB.
@Suite(.serialized)
struct PersistenceTests {
    /// Writes a mixed workload through the sequencer and session appends; returns the log.
    static func makeLog(grid: String, redis: RedisClient, edits: Int) async throws -> [GridEvent] {
        let sequencer = Sequencer(redis: redis)
        let store = GridStore(redis: redis)
        _ = try await redis.command(["SET", GridSchema(grid: grid).ready, "1"])
        try await store.appendSessionEvent(grid: grid, kind: .sessionOpen, session: "s-\(grid)", user: "alice", server: "test")
        var generator = SystemRandomNumberGenerator()
        var model = GridModel()
        for index in 0..<edits {
            let cell = ["A1", "B2", "C3", "D4", "XFD1048576"].randomElement(using: &generator)!
            // Sometimes a stale base, to make conflicts; sometimes a clear or a resolve.
            let base = Int.random(in: 0..<4, using: &generator) == 0 ? Version.zero : model.baseVersion(of: cell)
            let roll = Int.random(in: 0..<10, using: &generator)
            let kind: EditKind = roll == 0 ? .clear : (roll == 1 ? .resolve : .set)
            _ = try await sequencer.submit(SequencerTests.submission(
                grid: grid, op: "op-\(index)", cell: cell, value: kind == .set ? "v\(index) 'quoted'; DROP TABLE ops; --" : nil,
                base: base, kind: kind, user: index % 2 == 0 ? "alice" : "bob"
            ))
            for event in try await readLog(grid: grid, redis: redis, after: model.version) { model.apply(event) }
        }
        try await store.appendSessionEvent(grid: grid, kind: .sessionClose, session: "s-\(grid)", user: "alice", server: "test")
        return try await readLog(grid: grid, redis: redis, after: .zero)
    }

    static func readLog(grid: String, redis: RedisClient, after: Version) async throws -> [GridEvent] {
        let reply = try await redis.command(["XRANGE", GridSchema(grid: grid).log, "(\(after)", "+"])
        return (reply.array ?? []).compactMap(GridSchema.LogRecord.decode)
    }

    static func withClients(_ body: (RedisClient, MySQLClient) async throws -> Void) async throws {
        let redis = try RedisTestSupport.makeClient()
        let mysql = MySQLClient(configuration: try MySQLTestSupport.configuration(), logger: Logger(label: "PersistenceTests"))
        try await mysql.migrate(Schema.migrations)
        do {
            try await body(redis, mysql)
        } catch {
            await redis.shutdown()
            await mysql.shutdown()
            throw error
        }
        await redis.shutdown()
        await mysql.shutdown()
    }

    @Test func replayingABatchIntoMySQLTwiceStoresEachOpOnce() async throws {
        try await Self.withClients { redis, mysql in
            let grid = SequencerTests.uniqueGrid("replay")
            let log = try await Self.makeLog(grid: grid, redis: redis, edits: 60)
            let half = Array(log.prefix(log.count / 2))
            try await mysql.withConnection { connection in
                try EventWriter.write(log, grid: grid, on: connection)
                try EventWriter.write(log, grid: grid, on: connection)
                // An older batch arriving late must not roll cells back.
                try EventWriter.write(half, grid: grid, on: connection)
            }
            let rows = try await mysql.query("SELECT op_id, COUNT(*) AS n FROM ops WHERE grid = ? GROUP BY op_id, id_ms, id_seq", [.text(grid)])
            #expect(rows.reduce(0) { $0 + Int($1["n"].int ?? 0) } == log.count)
            #expect(rows.allSatisfy { $0["n"].int == 1 })
            var model = GridModel()
            for event in log { model.apply(event) }
            let cells = try await mysql.query("SELECT cell, value, version FROM cells WHERE grid = ? AND value IS NOT NULL", [.text(grid)])
            #expect(Dictionary(uniqueKeysWithValues: cells.map { ($0["cell"].string!, $0["value"].string!) }) == model.values)
            for row in cells {
                #expect(row["version"].string == model.cells[row["cell"].string!]?.version.description)
            }
            let stored = try await mysql.query("SELECT value FROM ops WHERE grid = ? AND kind = 'set' LIMIT 1", [.text(grid)])
            #expect(stored.first?["value"].string?.contains("'; DROP TABLE ops; --") == true, "hostile text is stored verbatim")
            let sessions = try await mysql.query("SELECT status FROM sessions WHERE id = ? AND grid = ?", [.text("s-\(grid)"), .text(grid)])
            #expect(sessions.first?["status"].string == "closed")
        }
    }

    @Test func aLoginSnapshotEqualsAFullReplayOfTheLog() async throws {
        try await Self.withClients { redis, _ in
            let grid = SequencerTests.uniqueGrid("snapshot")
            let log = try await Self.makeLog(grid: grid, redis: redis, edits: 80)
            let snapshot = try await GridStore(redis: redis).snapshot(grid: grid)
            var replay = GridModel()
            for event in log { replay.apply(event) }
            let fromSnapshot = GridModel(cells: snapshot.cells, contested: snapshot.contested, version: snapshot.version)
            #expect(snapshot.version == log.last?.id)
            #expect(fromSnapshot.cells == replay.cells)
            #expect(fromSnapshot.contested == replay.contested)
            #expect(log.contains { $0.kind == .conflict }, "the workload must include conflicts to be meaningful")
            #expect(snapshot.first == log.first?.id)
        }
    }

    @Test func historyPagesBothWaysOverMySQLAndTheStreamTail() async throws {
        try await Self.withClients { redis, mysql in
            let grid = SequencerTests.uniqueGrid("history")
            let log = try await Self.makeLog(grid: grid, redis: redis, edits: 40)
            // MySQL holds the first 25 entries; the rest exist only in the stream.
            let durable = log[24].id
            try await mysql.withConnection { connection in try EventWriter.write(Array(log.prefix(25)), grid: grid, on: connection) }
            _ = try await redis.command(["XTRIM", GridSchema(grid: grid).log, "MINID", log[10].id.description])
            let reader = HistoryReader(redis: redis, mysql: mysql)
            var forward: [GridEvent] = []
            var after = Version.zero
            while true {
                let page = try await reader.page(grid: grid, request: .init(after: after, limit: 7), limit: 7, durable: durable)
                forward += page.entries
                guard page.more, let last = page.entries.last else { break }
                after = last.id
            }
            #expect(forward.map(\.id) == log.map(\.id))
            var backward: [GridEvent] = []
            var before: Version? = nil
            while true {
                let page = try await reader.page(grid: grid, request: .init(before: before, limit: 6), limit: 6, durable: durable)
                backward = page.entries + backward
                guard page.more, let first = page.entries.first else { break }
                before = first.id
            }
            #expect(backward.map(\.id) == log.map(\.id))
            #expect(backward.map(\.value) == log.map(\.value))
        }
    }
}
