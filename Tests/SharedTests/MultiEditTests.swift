import Foundation
import Testing
@testable import GridClientCore
@testable import GridTUIKit
@testable import Shared

private func v(_ ms: UInt64, _ seq: UInt64 = 0) -> Version { Version(milliseconds: ms, sequence: seq) }

private func edit(of message: ClientMessage?) -> ClientMessage.Edit? {
    if case .edit(let edit)? = message { return edit }
    return nil
}

private func loggedIn(cells: [String: CellState] = [:], version: Version = .zero) -> ClientState {
    var state = ClientState(clientID: "c")
    state.receive(.welcome(.init(
        session: "s1", server: "a", user: "ann", grid: "g", version: version, cells: cells, contested: [:], users: [], historyStart: nil, durable: .zero
    )))
    return state
}

/// Multi-cell edits in the protocol, the grid model, the client state and what people see.
@Suite("Multi-cell edits (client)")
struct MultiEditClientTests {
    let codec = WireCodec()

    @Test func aMultiEditFrameRoundTripsAndAClearIsACellWithoutValue() throws {
        let frame = #"{"type":"multi","op":"c-1","label":"paste","cells":[{"cell":"B2","value":"1","base":"0-0"},{"cell":"B3","base":"5-0"}]}"#
        let message = try codec.decodeClientMessage(frame)
        let decoded = try #require(edit(of: message))
        #expect(decoded.kind == .multi && decoded.cell == "B2" && decoded.label == "paste")
        #expect(decoded.cells == [CellChange(cell: "B2", value: "1", base: .zero), CellChange(cell: "B3", base: v(5))])
        #expect(try codec.decodeClientMessage(codec.encode(message)) == message)
        #expect(!codec.encode(message).contains("\"base\":\"0-0\",\"cell\":\"B2\",\"op\""), "no single-cell members at the top")
    }

    @Test func everyCellOfAMultiEditNeedsItsBase() {
        let frame = #"{"type":"multi","op":"c-1","label":"paste","cells":[{"cell":"B2","value":"1","base":"0-0"},{"cell":"B3"}]}"#
        #expect(throws: ProtocolError.self) { try codec.decodeClientMessage(frame) }
        do {
            _ = try codec.decodeClientMessage(frame)
        } catch {
            #expect(error.code == .badField && error.message.contains("base"), "\(error.message)")
        }
    }

    @Test func aHelloStatesTheFeaturesThisClientUnderstands() throws {
        let hello = codec.encode(ClientMessage.hello(.init(user: "u", grid: "g")))
        #expect(hello.contains(#""features":["multi"]"#))
    }

    @Test func theModelWritesEveryCellOfAMultiEventAtItsVersionAndContestsOnlyMovedCells() {
        var model = GridModel(contested: ["B2": v(1)])
        model.apply(GridEvent(id: v(3), kind: .multi, user: "bob", at: 30, cells: [CellChange(cell: "B2", value: "x"), CellChange(cell: "B3")], count: 2))
        #expect(model.cells["B2"] == CellState(value: "x", version: v(3), user: "bob", at: 30))
        #expect(model.cells["B3"] == CellState(value: nil, version: v(3), user: "bob", at: 30))
        #expect(model.contested.isEmpty, "a write removes the contested mark")
        model.apply(GridEvent(id: v(4), kind: .multiConflict, user: "ann", at: 40, cells: [CellChange(cell: "B3", value: "y")], count: 5))
        #expect(model.contested == ["B3": v(4)])
        #expect(model.cells["B3"]?.version == v(3), "a lost edit changes no value")
    }

    @Test func aMultiEditShowsAtOnceWaitsBehindAnUnansweredEditOfOneOfItsCellsAndIsAckedWhole() {
        var state = loggedIn(cells: ["B2": CellState(value: "old", version: v(1), user: "bob", at: 1)], version: v(1))
        let single = state.makeEdit(.set, cell: "B3", value: "typed")
        let multi = state.makeMultiEdit([CellChange(cell: "B2", value: "p1"), CellChange(cell: "B3", value: "p2")], label: "paste")
        #expect(single.frame != nil)
        #expect(multi.frame == nil, "B3 is still unanswered")
        #expect(state.shownValue(of: "B2") == ("p1", true))
        #expect(state.shownValue(of: "B3") == ("p2", true))
        // The single edit's ack releases the paste, based on that ack for B3 and on B2's version.
        let released = state.receive(.ack(.init(op: single.op, cell: "B3", version: v(2))))
        let frame = try? #require(edit(of: released.first))
        #expect(frame?.kind == .multi)
        #expect(frame?.cells?.map(\.base) == [v(1), v(2)])
        state.receive(.ack(.init(op: multi.op, cell: "B2", version: v(3), count: 2)))
        #expect(state.saveState == SaveState(pending: 0, acked: 2))
        #expect(state.currentBase(of: "B2") == v(3) && state.currentBase(of: "B3") == v(3))
        // A resend after reconnecting carries the whole edit again.
        #expect(state.resendFrames().compactMap(edit(of:)).map(\.kind) == [.set, .multi])
    }

    @Test func aLostMultiEditIsDroppedWholeAndReportedWithItsMovedCells() {
        var state = loggedIn()
        let multi = state.makeMultiEdit([CellChange(cell: "A1", value: "1"), CellChange(cell: "A2", value: "2")], label: "fill")
        let later = state.makeEdit(.set, cell: "A2", value: "after")
        #expect(later.frame == nil)
        let moved = [CellChange(cell: "A2", value: "2", base: .zero, winner: CellState(value: "bob", version: v(5), user: "bob", at: 5))]
        let released = state.receive(.conflict(.init(
            op: multi.op, cell: "A2", version: v(6), yours: "2", base: .zero, theirs: moved[0].winner!, moved: moved
        )))
        #expect(edit(of: released.first)?.op == later.op, "the edit queued behind it goes out")
        #expect(state.conflicts.last?.moved == moved)
        #expect(state.shownValue(of: "A1").value == nil, "nothing of a lost edit stays shown")
    }

    @Test func historySaysWhatWasDoneWhereAndWhatALostEditMet() {
        let paste = GridEvent(id: v(1), kind: .multi, user: "alice", at: 1, cells: [], label: "paste", count: 120, range: "B2:E31")
        #expect(HistoryEntryText.describe(paste, glyphs: .unicode) == "pasted 120 cells in B2:E31")
        let lost = GridEvent(
            id: v(2), kind: .multiConflict, user: "alice", at: 2,
            cells: [CellChange(cell: "C3", winner: CellState(value: "x", version: v(1), user: "bob", at: 1))], label: "sort", count: 40, range: "A1:B20"
        )
        #expect(HistoryEntryText.describe(lost, glyphs: .unicode) == "sort of A1:B20 LOST: 40 cells had moved (C3 by bob)")
        var log = HistoryLog()
        log.append(GridEvent(id: v(3), kind: .multi, at: 3, cells: (1...500).map { CellChange(cell: "A\($0)", value: "v") }, count: 500))
        #expect(log.entries.last?.cells?.count == HistoryLog.cellsPerEntry)
    }

    @Test func aScriptPastesABlockAndClearsARange() throws {
        #expect(try ScriptCommand.parse(#"paste B2 1\t2\n\t4"#) == .paste(cell: "B2", rows: [["1", "2"], ["", "4"]]))
        #expect(try ScriptCommand.parse("clear A1:B2") == .clearRange(cells: ["A1", "B1", "A2", "B2"]))
        #expect(try ScriptCommand.parse("clear A1") == .clear(cell: "A1"))
        #expect(throws: ProtocolError.self) { try ScriptCommand.parse("clear A1:nope") }
    }

    @Test func theBoundingRangeSpansEveryCell() {
        #expect(CellChange.boundingRange(of: ["C3", "A5", "B1"]) == "A1:C5")
        #expect(CellChange.boundingRange(of: ["D4"]) == "D4")
        #expect(CellChange.boundingRange(of: ["nope"]) == nil)
    }
}
