import Foundation
import Logging
import MySQLClient
import RedisClient
import Shared
import Testing

@testable import GridServerKit

/// Multi-cell edits against the real Redis and MariaDB: all or nothing in Redis, one log entry,
/// every cell in MySQL, history and rebuilds exact.
@Suite(.serialized)
struct MultiEditTests {
    static func multi(
        grid: String, op: String, _ cells: [CellChange], label: String = "paste", user: String = "alice", group: String? = nil
    ) -> Sequencer.Submission {
        var submission = SequencerTests.submission(grid: grid, op: op, cell: cells.first?.cell ?? "A1", value: nil, base: .zero, kind: .multi, user: user)
        submission.cells = cells
        submission.label = label
        submission.group = group
        return submission
    }

    /// A block of `rows` × `columns` cells from A1, every base `0-0`.
    static func block(rows: Int, columns: Int, value: (Int, Int) -> String?) -> [CellChange] {
        (0..<rows).flatMap { row in
            (0..<columns).map { column in
                CellChange(cell: CellAddress(column: column, row: row)!.description, value: value(row, column), base: .zero)
            }
        }
    }

    @Test func aMultiEditWritesEveryCellAtOneVersionAsOneLogEntry() async throws {
        let redis = try RedisTestSupport.makeClient()
        defer { Task { await redis.shutdown() } }
        let grid = try await SequencerTests.newGrid("multi", redis: redis)
        let store = GridStore(redis: redis)
        // Values a packed record must survive: tabs, newlines, colons, digits first, unicode.
        let values = ["plain", "tab\there", "line\nbreak", "12:34", "3:abc", "", "日本語 🎉"]
        let cells = values.enumerated().map { CellChange(cell: "B\($0.offset + 2)", value: $0.element, base: .zero) }
            + [CellChange(cell: "C2", value: nil, base: .zero)]
        let result = try await Sequencer(redis: redis).submit(Self.multi(grid: grid, op: "m-1", cells))
        guard case .accepted(let version) = result.outcome else { Issue.record("expected accepted, got \(result.outcome)"); return }

        let snapshot = try await store.snapshot(grid: grid)
        for (index, value) in values.enumerated() {
            #expect(snapshot.cells["B\(index + 2)"] == CellState(value: value, version: version, user: "alice", at: snapshot.cells["B2"]!.at))
        }
        #expect(snapshot.cells["C2"]?.value == nil && snapshot.cells["C2"]?.version == version)
        let log = try await PersistenceTests.readLog(grid: grid, redis: redis, after: .zero)
        #expect(log.count == 1)
        #expect(log[0].kind == .multi && log[0].label == "paste" && log[0].count == cells.count && log[0].range == "B2:C8")
        #expect(log[0].cells?.map(\.cell) == cells.map(\.cell))
        #expect(log[0].cells?.map(\.value) == cells.map(\.value))
    }

    @Test func aMultiEditWithOneMovedCellWritesNothingAndContestsOnlyThatCell() async throws {
        let redis = try RedisTestSupport.makeClient()
        defer { Task { await redis.shutdown() } }
        let grid = try await SequencerTests.newGrid("multi-lost", redis: redis)
        let keys = GridSchema(grid: grid)
        let sequencer = Sequencer(redis: redis)
        let bob = try await sequencer.submit(SequencerTests.submission(grid: grid, op: "b-1", cell: "A2", value: "bob's", base: .zero, user: "bob"))
        let cells = Self.block(rows: 3, columns: 2) { row, column in "alice \(row),\(column)" }
        let result = try await sequencer.submit(Self.multi(grid: grid, op: "m-1", cells))
        guard case .multiConflict(let version, let moved) = result.outcome else { Issue.record("expected a lost edit, got \(result.outcome)"); return }
        #expect(moved.map(\.cell) == ["A2"])
        #expect(moved.first?.winner == CellState(value: "bob's", version: bob.outcome.version, user: "bob", at: moved.first?.winner?.at ?? 0))
        #expect(moved.first?.value == "alice 1,0" && moved.first?.base == .zero)

        let snapshot = try await GridStore(redis: redis).snapshot(grid: grid)
        #expect(snapshot.cells.keys.sorted() == ["A2"], "nothing of the lost edit was written")
        #expect(snapshot.contested == ["A2": version])
        let conflict = try await PersistenceTests.readLog(grid: grid, redis: redis, after: bob.outcome.version)
        #expect(conflict.map(\.kind) == [.multiConflict])
        #expect(conflict.first?.cells?.map(\.cell) == ["A2"] && conflict.first?.count == 6)
        // A resend gets the same answer and writes nothing more.
        let again = try await sequencer.submit(Self.multi(grid: grid, op: "m-1", cells))
        #expect(again.duplicate && again.outcome == result.outcome)
        #expect(try await redis.command(["XLEN", keys.log]).int == 2)
    }

    @Test func twoOverlappingPastesRacingFromTheSameStateGiveExactlyOneWholeWinner() async throws {
        let alice = try RedisTestSupport.makeClient()
        let bob = try RedisTestSupport.makeClient()
        defer { Task { await alice.shutdown(); await bob.shutdown() } }
        let grid = try await SequencerTests.newGrid("multi-race", redis: alice)
        let store = GridStore(redis: alice)
        for round in 0..<30 {
            let seen = try await store.snapshot(grid: grid).cells
            // Alice pastes A1:B3, Bob B2:C4: they share B2 and B3.
            func paste(_ columns: [String], _ who: String) -> [CellChange] {
                columns.flatMap { column in
                    (0..<3).map { row in
                        let cell = "\(column)\(row + (who == "bob" ? 2 : 1))"
                        return CellChange(cell: cell, value: "\(who) \(round)", base: seen[cell]?.version ?? .zero)
                    }
                }
            }
            async let first = Sequencer(redis: alice).submit(Self.multi(grid: grid, op: "a-\(round)", paste(["A", "B"], "alice"), user: "alice"))
            async let second = Sequencer(redis: bob).submit(Self.multi(grid: grid, op: "b-\(round)", paste(["B", "C"], "bob"), user: "bob"))
            let results = try await [first, second]
            let winners = results.enumerated().filter { if case .accepted = $0.element.outcome { return true } else { return false } }
            try #require(winners.count == 1, "round \(round): \(results)")
            let winner = winners[0].offset == 0 ? "alice" : "bob"
            let loser = results[1 - winners[0].offset]
            guard case .multiConflict(_, let moved) = loser.outcome else { Issue.record("round \(round): \(loser.outcome)"); return }
            #expect(Set(moved.map(\.cell)) == ["B2", "B3"], "only the shared cells had moved")
            let cells = try await store.snapshot(grid: grid).cells
            let winnerCells = winner == "alice" ? ["A1", "A2", "A3", "B1", "B2", "B3"] : ["B2", "B3", "B4", "C2", "C3", "C4"]
            for cell in winnerCells { #expect(cells[cell]?.value == "\(winner) \(round)", "round \(round) \(cell)") }
        }
    }

    @Test func tenThousandCellsGoInOneCall() async throws {
        let redis = try RedisTestSupport.makeClient()
        defer { Task { await redis.shutdown() } }
        let grid = try await SequencerTests.newGrid("multi-big", redis: redis)
        let cells = Self.block(rows: 1000, columns: 10) { row, column in "\(row * 10 + column)" }
        let result = try await Sequencer(redis: redis).submit(Self.multi(grid: grid, op: "big", cells, label: "import"))
        guard case .accepted = result.outcome else { Issue.record("expected accepted, got \(result.outcome)"); return }
        let snapshot = try await GridStore(redis: redis).snapshot(grid: grid)
        #expect(snapshot.cells.count == 10_000)
        #expect(snapshot.cells["J1000"]?.value == "9999")
        // Lost whole when one cell of ten thousand moved.
        let again = Self.block(rows: 1000, columns: 10) { _, _ in "again" }.map { change in
            var change = change
            change.base = snapshot.cells[change.cell]?.version
            if change.cell == "E500" { change.base = .zero }
            return change
        }
        let lost = try await Sequencer(redis: redis).submit(Self.multi(grid: grid, op: "big-2", again))
        guard case .multiConflict(_, let moved) = lost.outcome else { Issue.record("expected a lost edit, got \(lost.outcome)"); return }
        #expect(moved.map(\.cell) == ["E500"])
        #expect(try await GridStore(redis: redis).snapshot(grid: grid).cells["A1"]?.value == "0")
    }

    @Test func mySQLHoldsEveryCellAndHistoryAndARebuildReadThemBack() async throws {
        try await PersistenceTests.withClients { redis, mysql in
            let grid = try await SequencerTests.newGrid("multi-stored", redis: redis)
            let keys = GridSchema(grid: grid)
            let sequencer = Sequencer(redis: redis)
            // C1 contested by a single-cell conflict, then written by a paste: not contested.
            let c1 = try await sequencer.submit(SequencerTests.submission(grid: grid, op: "c-1", cell: "C1", value: "first", base: .zero, user: "bob"))
            _ = try await sequencer.submit(SequencerTests.submission(grid: grid, op: "c-2", cell: "C1", value: "late", base: .zero, user: "carol"))
            let paste = Self.block(rows: 60, columns: 1) { row, _ in "row \(row)" } + [CellChange(cell: "C1", value: "pasted", base: c1.outcome.version)]
            let accepted = try await sequencer.submit(Self.multi(grid: grid, op: "m-1", paste))
            // A2 moved under a second paste: contested by a multi-cell conflict.
            _ = try await sequencer.submit(SequencerTests.submission(grid: grid, op: "b-1", cell: "A2", value: "bob", base: accepted.outcome.version, user: "bob"))
            let lost = try await sequencer.submit(Self.multi(grid: grid, op: "m-2", [
                CellChange(cell: "A2", value: "again", base: accepted.outcome.version), CellChange(cell: "D9", value: "new", base: .zero),
            ]))
            guard case .multiConflict(let lostVersion, _) = lost.outcome else { Issue.record("expected a lost edit, got \(lost.outcome)"); return }

            let log = try await PersistenceTests.readLog(grid: grid, redis: redis, after: .zero)
            try await mysql.withConnection { connection in
                try EventWriter.write(log, grid: grid, on: connection)
                try EventWriter.write(log, grid: grid, on: connection)
            }
            let cellRows = try await mysql.query("SELECT COUNT(*) AS n FROM op_cells WHERE grid = ?", [.text(grid)]).first?["n"].int
            #expect(cellRows == 62, "61 written cells and one moved cell, each once")
            let stored = try await mysql.query("SELECT cell, value, version FROM cells WHERE grid = ? ORDER BY cell", [.text(grid)])
            #expect(stored.first { $0["cell"].string == "A60" }?["value"].string == "row 59")
            #expect(stored.first { $0["cell"].string == "C1" }?["value"].string == "pasted")
            #expect(stored.first { $0["cell"].string == "A2" }?["value"].string == "bob")
            #expect(stored.first { $0["cell"].string == "D9" } == nil)

            _ = try await GridStore(redis: redis).publishDurable(grid: grid, log.last!.id)
            let reader = HistoryReader(redis: redis, mysql: mysql)
            let page = try await reader.page(grid: grid, request: .init(limit: 10), limit: 10, durable: log.last!.id)
            let entry = try #require(page.entries.first { $0.kind == .multi })
            #expect(entry.count == 61 && entry.label == "paste" && entry.range == "A1:C60")
            #expect(entry.cells?.count == HistoryReader.cellsPerEntry)
            #expect(entry.cells?.first == CellChange(cell: "A1", value: "row 0"))
            let lostEntry = try #require(page.entries.first { $0.kind == .multiConflict })
            #expect(lostEntry.cells?.map(\.cell) == ["A2"] && lostEntry.cells?.first?.winner?.user == "bob")

            // Redis loses everything; the grid is rebuilt from MySQL alone.
            _ = try await redis.command(["UNLINK"] + keys.allKeys)
            try await GridRebuilder(redis: redis, mysql: mysql, logger: Logger(label: "MultiEditTests")).ensure(grid: grid)
            let rebuilt = try await GridStore(redis: redis).snapshot(grid: grid)
            #expect(rebuilt.cells["A60"]?.value == "row 59" && rebuilt.cells["A60"]?.version == accepted.outcome.version)
            #expect(rebuilt.cells["C1"]?.value == "pasted")
            #expect(rebuilt.contested == ["A2": lostVersion], "C1's old conflict was overwritten by the paste; A2 lost the second")
            // The outcome of the lost paste is still answered, with its moved cell, after the rebuild.
            let again = try await sequencer.submit(Self.multi(grid: grid, op: "m-2", [CellChange(cell: "A2", value: "again", base: accepted.outcome.version)]))
            #expect(again.duplicate && again.outcome == lost.outcome)
        }
    }

    @Test func aResentMultiEditRedisForgotIsAnsweredFromMySQL() async throws {
        try await PersistenceTests.withClients { redis, mysql in
            let grid = try await SequencerTests.newGrid("multi-resend", redis: redis)
            let keys = GridSchema(grid: grid)
            let sequencer = Sequencer(redis: redis)
            _ = try await sequencer.submit(SequencerTests.submission(grid: grid, op: "b-1", cell: "B1", value: "bob", base: .zero, user: "bob"))
            let lost = try await sequencer.submit(Self.multi(grid: grid, op: "m-1", Self.block(rows: 1, columns: 3) { _, _ in "x" }))
            let log = try await PersistenceTests.readLog(grid: grid, redis: redis, after: .zero)
            try await mysql.withConnection { try EventWriter.write(log, grid: grid, on: $0) }
            _ = try await redis.command(["HDEL", keys.ops, "m-1"])
            let stored = try await StoredOutcomes(mysql: mysql).outcome(grid: grid, op: "m-1")
            #expect(stored == lost.outcome)
        }
    }
}
