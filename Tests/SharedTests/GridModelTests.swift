import Testing
@testable import Shared

private func v(_ ms: UInt64, _ seq: UInt64 = 0) -> Version { Version(milliseconds: ms, sequence: seq) }

private func setEvent(_ ms: UInt64, _ cell: String, _ value: String, user: String? = "ann", base: Version = .zero) -> GridEvent {
    GridEvent(id: v(ms), kind: .set, cell: cell, value: value, base: base, user: user, at: Int64(ms) * 10)
}

private func clearEvent(_ ms: UInt64, _ cell: String, user: String = "bob") -> GridEvent {
    GridEvent(id: v(ms), kind: .clear, cell: cell, user: user, at: Int64(ms) * 10)
}

private func conflictEvent(_ ms: UInt64, _ cell: String, losing: String = "lost") -> GridEvent {
    GridEvent(id: v(ms), kind: .conflict, cell: cell, value: losing, user: "cat", at: Int64(ms) * 10)
}

private func resolveEvent(_ ms: UInt64, _ cell: String) -> GridEvent {
    GridEvent(id: v(ms), kind: .resolve, cell: cell, user: "dan", at: Int64(ms) * 10)
}

private func sessionEvent(_ ms: UInt64, _ kind: GridEvent.Kind) -> GridEvent {
    GridEvent(id: v(ms), kind: kind, user: "eve", session: "s9", server: "srv", at: Int64(ms) * 10)
}

/// A log touching several cells with every kind of event.
private let sampleLog: [GridEvent] = [
    sessionEvent(1, .sessionOpen),
    setEvent(2, "A1", "1"),
    setEvent(3, "B2", "two"),
    conflictEvent(4, "A1"),
    setEvent(5, "C3", "three"),
    clearEvent(6, "B2"),
    resolveEvent(7, "A1"),
    conflictEvent(8, "C3"),
    setEvent(9, "A1", "uno", user: "bob", base: v(2)),
    sessionEvent(10, .sessionError),
    conflictEvent(11, "B2"),
    sessionEvent(12, .sessionClose),
]

@Suite("GridModel")
struct GridModelTests {
    @Test func startsEmptyAtVersionZero() {
        let model = GridModel()
        #expect(model.cells.isEmpty)
        #expect(model.contested.isEmpty)
        #expect(model.version == .zero)
        #expect(model.values.isEmpty)
        #expect(model.value(at: "A1") == nil)
    }

    @Test func setStoresValueVersionUserAndTime() throws {
        var model = GridModel()
        let applied = model.apply(setEvent(5, "A1", "hello"))
        #expect(applied)
        let cell = try #require(model.cells["A1"])
        #expect(cell == CellState(value: "hello", version: v(5), user: "ann", at: 50))
        #expect(model.value(at: "A1") == "hello")
        #expect(model.version == v(5))
    }

    @Test func setWithoutUserRecordsEmptyUser() {
        var model = GridModel()
        model.apply(setEvent(1, "A1", "x", user: nil))
        #expect(model.cells["A1"]?.user == "")
    }

    @Test func laterSetReplacesValue() {
        var model = GridModel()
        model.apply(setEvent(1, "A1", "old"))
        model.apply(setEvent(2, "A1", "new"))
        #expect(model.value(at: "A1") == "new")
        #expect(model.baseVersion(of: "A1") == v(2))
    }

    @Test func setOfEmptyStringIsAValue() {
        var model = GridModel()
        model.apply(setEvent(1, "A1", ""))
        #expect(model.value(at: "A1") == "")
        #expect(model.values == ["A1": ""])
    }

    @Test func clearKeepsTheCellWithNoValueAndItsVersion() throws {
        var model = GridModel()
        model.apply(setEvent(1, "A1", "x"))
        model.apply(clearEvent(2, "A1"))
        let cell = try #require(model.cells["A1"])
        #expect(cell.value == nil)
        #expect(cell.version == v(2))
        #expect(cell.user == "bob")
        #expect(model.value(at: "A1") == nil)
        #expect(model.baseVersion(of: "A1") == v(2))
    }

    @Test func clearIgnoresAnyValueOnTheEvent() {
        var model = GridModel()
        model.apply(GridEvent(id: v(1), kind: .clear, cell: "A1", value: "stray", at: 1))
        #expect(model.value(at: "A1") == nil)
        #expect(model.cells["A1"] != nil)
    }

    @Test func valuesExcludesClearedCells() {
        var model = GridModel()
        model.apply(setEvent(1, "A1", "a"))
        model.apply(setEvent(2, "B1", "b"))
        model.apply(clearEvent(3, "A1"))
        #expect(model.values == ["B1": "b"])
        #expect(model.cells.count == 2)
    }

    @Test func baseVersionIsZeroForNeverWrittenCells() {
        var model = GridModel()
        model.apply(setEvent(4, "A1", "x"))
        #expect(model.baseVersion(of: "B1") == .zero)
        #expect(model.baseVersion(of: "A1") == v(4))
    }

    @Test func conflictMarksCellContestedWithoutChangingIt() throws {
        var model = GridModel()
        model.apply(setEvent(1, "A1", "winner"))
        model.apply(conflictEvent(2, "A1", losing: "loser"))
        #expect(model.contested == ["A1": v(2)])
        #expect(model.value(at: "A1") == "winner")
        #expect(model.baseVersion(of: "A1") == v(1))
        #expect(model.version == v(2))
    }

    @Test func laterConflictUpdatesTheContestingEvent() {
        var model = GridModel()
        model.apply(conflictEvent(2, "A1"))
        model.apply(conflictEvent(3, "A1"))
        #expect(model.contested == ["A1": v(3)])
    }

    @Test func laterSetSettlesAContestedCell() {
        var model = GridModel()
        model.apply(setEvent(1, "A1", "a"))
        model.apply(conflictEvent(2, "A1"))
        model.apply(setEvent(3, "A1", "b"))
        #expect(model.contested.isEmpty)
        #expect(model.value(at: "A1") == "b")
    }

    @Test func laterClearSettlesAContestedCell() {
        var model = GridModel()
        model.apply(setEvent(1, "A1", "a"))
        model.apply(conflictEvent(2, "A1"))
        model.apply(clearEvent(3, "A1"))
        #expect(model.contested.isEmpty)
        #expect(model.value(at: "A1") == nil)
    }

    @Test func resolveSettlesAContestedCellAndKeepsItsValue() {
        var model = GridModel()
        model.apply(setEvent(1, "A1", "a"))
        model.apply(conflictEvent(2, "A1"))
        model.apply(resolveEvent(3, "A1"))
        #expect(model.contested.isEmpty)
        #expect(model.value(at: "A1") == "a")
        #expect(model.baseVersion(of: "A1") == v(1))
        #expect(model.version == v(3))
    }

    @Test func writesToOneCellLeaveOtherContestedCellsAlone() {
        var model = GridModel()
        model.apply(conflictEvent(1, "A1"))
        model.apply(conflictEvent(2, "B1"))
        model.apply(setEvent(3, "A1", "x"))
        #expect(model.contested == ["B1": v(2)])
    }

    @Test func sessionEventsAdvanceVersionOnly() {
        var model = GridModel()
        model.apply(setEvent(1, "A1", "x"))
        let before = model
        let applied = model.apply(sessionEvent(2, .sessionOpen))
        #expect(applied)
        #expect(model.version == v(2))
        #expect(model.cells == before.cells)
        #expect(model.contested == before.contested)
    }

    @Test func unknownKindsAdvanceVersionOnly() {
        var model = GridModel()
        let applied = model.apply(GridEvent(id: v(1), kind: "future.kind", cell: "A1", value: "x", at: 1))
        #expect(applied)
        #expect(model.version == v(1))
        #expect(model.cells.isEmpty)
        #expect(model.contested.isEmpty)
    }

    @Test func ignoresEventsAtTheCurrentVersion() {
        var model = GridModel()
        let applied = model.apply(setEvent(5, "A1", "first"))
        #expect(applied)
        let applied2 = model.apply(GridEvent(id: v(5), kind: .set, cell: "A1", value: "again", at: 0))
        #expect(!applied2)
        #expect(model.value(at: "A1") == "first")
    }

    @Test func ignoresEventsBelowTheCurrentVersion() {
        var model = GridModel()
        model.apply(setEvent(5, "A1", "new"))
        let applied = model.apply(setEvent(4, "A1", "old"))
        #expect(!applied)
        let applied2 = model.apply(setEvent(3, "B1", "other cell"))
        #expect(!applied2)
        let applied3 = model.apply(conflictEvent(2, "A1"))
        #expect(!applied3)
        #expect(model.values == ["A1": "new"])
        #expect(model.contested.isEmpty)
        #expect(model.version == v(5))
    }

    @Test func ignoresVersionZeroEvents() {
        var model = GridModel()
        let applied = model.apply(GridEvent(id: .zero, kind: .set, cell: "A1", value: "x", at: 0))
        #expect(!applied)
        #expect(model == GridModel())
    }

    @Test func comparesSequenceWithinTheSameMillisecond() {
        var model = GridModel()
        model.apply(GridEvent(id: v(5, 1), kind: .set, cell: "A1", value: "a", at: 0))
        let applied = model.apply(GridEvent(id: v(5, 2), kind: .set, cell: "A1", value: "b", at: 0))
        #expect(applied)
        let applied2 = model.apply(GridEvent(id: v(5, 0), kind: .set, cell: "A1", value: "c", at: 0))
        #expect(!applied2)
        #expect(model.value(at: "A1") == "b")
    }

    @Test func replayingTheWholeLogIsHarmless() {
        var once = GridModel()
        for event in sampleLog { once.apply(event) }
        var twice = once
        for event in sampleLog {
            let applied = twice.apply(event)
            #expect(!applied)
        }
        #expect(twice == once)
    }

    @Test func sampleLogGivesTheExpectedGrid() {
        var model = GridModel()
        for event in sampleLog {
            let applied = model.apply(event)
            #expect(applied)
        }
        #expect(model.values == ["A1": "uno", "C3": "three"])
        #expect(model.value(at: "B2") == nil)
        #expect(model.baseVersion(of: "B2") == v(6))
        #expect(model.contested == ["C3": v(8), "B2": v(11)])
        #expect(model.version == v(12))
        #expect(model.cells["A1"]?.user == "bob")
    }

    @Test func sameEventsInOrderGiveEqualModels() {
        var first = GridModel()
        var second = GridModel()
        for event in sampleLog { first.apply(event) }
        for event in sampleLog { second.apply(event) }
        #expect(first == second)
        #expect(first.hashValue == second.hashValue)
    }

    @Test func snapshotPlusOverlappingReplayEqualsFullReplay() {
        var full = GridModel()
        for event in sampleLog { full.apply(event) }
        for split in 0...sampleLog.count {
            var prefix = GridModel()
            for event in sampleLog[..<split] { prefix.apply(event) }
            // A snapshot sent in a welcome, then the log replayed from an earlier point.
            var replica = GridModel(cells: prefix.cells, contested: prefix.contested, version: prefix.version)
            for event in sampleLog[(split / 2)...] { replica.apply(event) }
            #expect(replica == full, "split at \(split)")
        }
    }

    @Test func initFromSnapshotKeepsClearedCellVersions() {
        let snapshot = GridModel(
            cells: ["A1": CellState(value: nil, version: v(3), user: "u", at: 0)], contested: ["B1": v(4)], version: v(4))
        #expect(snapshot.baseVersion(of: "A1") == v(3))
        #expect(snapshot.values.isEmpty)
        #expect(snapshot.contested == ["B1": v(4)])
    }

    @Test func eventKindsClassifyThemselves() {
        #expect(GridEvent.Kind.set.isCellWrite)
        #expect(GridEvent.Kind.clear.isCellWrite)
        #expect(!GridEvent.Kind.conflict.isCellWrite)
        #expect(!GridEvent.Kind.resolve.isCellWrite)
        #expect(GridEvent.Kind.sessionOpen.isSession)
        #expect(GridEvent.Kind.sessionClose.isSession)
        #expect(GridEvent.Kind.sessionError.isSession)
        #expect(!GridEvent.Kind.set.isSession)
        #expect(GridEvent.Kind("session.open") == .sessionOpen)
    }
}
