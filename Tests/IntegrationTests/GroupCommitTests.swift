import Logging
import MySQLClient
import Shared
import Testing

@testable import GridServerKit

/// Concurrent persister passes share MySQL transactions, against the real MariaDB.
@Suite(.serialized)
struct GroupCommitTests {
    static func events(count: Int, cell: String = "B2") -> [GridEvent] {
        (1...count).map { index in
            GridEvent(
                id: Version(milliseconds: 1_700_000_000_000, sequence: UInt64(index)), kind: .set, cell: cell, value: "v\(index)",
                base: .zero, user: "alice", session: "s1", server: "test", op: "op-\(index)", at: 1_700_000_000_000
            )
        }
    }

    static func stored(grid: String, on mysql: MySQLClient) async throws -> (ops: Int, watermark: String?, value: String?) {
        let ops = try await mysql.query("SELECT COUNT(*) AS n FROM ops WHERE grid = ?", [.text(grid)]).first?["n"].int ?? 0
        let watermark = try await mysql.query("SELECT version FROM watermarks WHERE grid = ?", [.text(grid)]).first?["version"].string
        let value = try await mysql.query("SELECT value FROM cells WHERE grid = ?", [.text(grid)]).first?["value"].string
        return (Int(ops), watermark, value)
    }

    @Test func batchesWaitingTogetherCommitInOneTransactionAndAllLand() async throws {
        try await PersistenceTests.withClients { _, mysql in
            let commits = GroupCommit(mysql: mysql)
            let grids = (0..<40).map { SequencerTests.uniqueGrid("group-\($0)") }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for grid in grids {
                    group.addTask { try await commits.write(.init(grid: grid, events: Self.events(count: 3))) }
                }
                try await group.waitForAll()
            }
            for grid in grids {
                let stored = try await Self.stored(grid: grid, on: mysql)
                #expect(stored.ops == 3)
                #expect(stored.watermark == Version(milliseconds: 1_700_000_000_000, sequence: 3).description)
                #expect(stored.value == "v3")
            }
            // The first commits alone while the others queue behind it; they then share.
            #expect(commits.transactions < grids.count / 2, "\(commits.transactions) transactions for \(grids.count) batches")
        }
    }

    @Test func aBatchTheServerRefusesFailsAloneAndTheOthersCommit() async throws {
        try await PersistenceTests.withClients { _, mysql in
            let commits = GroupCommit(mysql: mysql)
            let good = (0..<8).map { SequencerTests.uniqueGrid("good-\($0)") }
            let bad = SequencerTests.uniqueGrid("bad")
            // A cell name longer than the column: strict mode refuses the whole statement.
            let refused = Self.events(count: 2, cell: String(repeating: "Z", count: 40))
            let results = await withTaskGroup(of: (String, Bool).self) { group in
                group.addTask { (bad, (try? await commits.write(.init(grid: bad, events: refused))) != nil) }
                for grid in good {
                    group.addTask { (grid, (try? await commits.write(.init(grid: grid, events: Self.events(count: 2)))) != nil) }
                }
                return await group.reduce(into: [String: Bool]()) { $0[$1.0] = $1.1 }
            }
            #expect(results[bad] == false)
            let badOps = try await Self.stored(grid: bad, on: mysql).ops
            #expect(badOps == 0)
            for grid in good {
                #expect(results[grid] == true)
                let ops = try await Self.stored(grid: grid, on: mysql).ops
                #expect(ops == 2)
            }
        }
    }
}
