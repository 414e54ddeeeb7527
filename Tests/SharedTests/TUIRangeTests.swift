import Foundation
import Testing
@testable import GridTUIKit
@testable import GridClientCore
@testable import Shared
import GridFiles

/// The multi-cell edits the model asked to send: label and cells (cell, value, base).
private func multis(_ effects: [TUIEffect]) -> [(label: String, cells: [CellChange])] {
    effects.flatMap { effect -> [(label: String, cells: [CellChange])] in
        guard case .send(let frames) = effect else { return [] }
        return frames.compactMap { frame in
            guard case .edit(let edit) = frame, edit.kind == .multi else { return nil }
            return (edit.label ?? "", edit.cells ?? [])
        }
    }
}

private func values(_ cells: [CellChange]) -> [String: String] {
    Dictionary(uniqueKeysWithValues: cells.map { ($0.cell, $0.value ?? "∅") })
}

private func at(_ text: String) -> CellAddress { CellAddress(text)! }

@Suite("Range edits (pure)")
struct RangeEditsTests {
    @Test func aPasteShiftsRelativeReferencesAndKeepsDollarOnes() {
        let block = RangeEdits.Block(origin: at("A1"), rows: [["=B1+$B$1", "x"], [nil, "=SUM(A1:A2)"]])
        let changes = RangeEdits.paste(block, at: at("C3"), raw: { $0 == at("C4") ? "old" : nil })
        #expect(values(changes) == ["C3": "=D3+$B$1", "D3": "x", "C4": "∅", "D4": "=SUM(C3:C4)"])
    }

    @Test func aPastePastTheGridsEdgeIsCut() {
        let block = RangeEdits.Block(origin: at("A1"), rows: [["1", "2"]])
        let changes = RangeEdits.paste(block, at: at("XFD1"), raw: { _ in nil })
        #expect(changes.map(\.cell) == ["XFD1"])
    }

    @Test func fillDownContinuesANumberSeriesADateSeriesAndCopiesTheRest() {
        let grid = ["A1": "1", "A2": "3", "B1": "2026-01-30", "B2": "2026-02-01", "C1": "=A1*2", "D1": "x", "D2": "y"]
        let changes = RangeEdits.fill(CellRect(at("A1"), at("D5")), .down, raw: { grid[$0.description] })
        #expect(values(changes) == [
            "A3": "5", "A4": "7", "A5": "9",
            "B3": "2026-02-03", "B4": "2026-02-05", "B5": "2026-02-07",
            "C2": "=A2*2", "C3": "=A3*2", "C4": "=A4*2", "C5": "=A5*2",
            "D3": "x", "D4": "y", "D5": "x",
        ])
    }

    @Test func fillRightUsesTheLeftCellsAndAFullLineCopiesItsFirstCell() {
        let grid = ["A1": "0.5", "B1": "1", "A2": "a", "B2": "b", "C2": "c"]
        let changes = RangeEdits.fill(CellRect(at("A1"), at("C2")), .right, raw: { grid[$0.description] })
        #expect(values(changes) == ["C1": "1.5", "B2": "a", "C2": "a"])
    }

    @Test func sortPutsNumbersBeforeTextKeepsEmptyLastAndMovesFormulasWithTheirRow() {
        let grid = ["A1": "pear", "B1": "=A1", "A2": "10", "B2": "=A2", "A4": "Apple", "B4": "=A4", "A3": "9"]
        func key(_ cell: CellAddress) -> RangeEdits.SortKey {
            guard let text = grid[cell.description] else { return .empty }
            return Double(text).map { .number($0) } ?? .text(text.lowercased())
        }
        let rect = CellRect(at("A1"), at("B5"))
        let up = values(RangeEdits.sort(rect, byColumn: 0, descending: false, raw: { grid[$0.description] }, key: key))
        #expect(up["A1"] == "9" && up["A2"] == "10" && up["A3"] == "Apple" && up["A4"] == "pear")
        #expect(up["B2"] == "=A2" && up["B3"] == "=A3" && up["B4"] == "=A4" && up["B1"] == "∅")
        #expect(up["A5"] == nil, "the empty row stays last and unchanged")
        let down = values(RangeEdits.sort(rect, byColumn: 0, descending: true, raw: { grid[$0.description] }, key: key))
        #expect([down["A1"], down["A2"], down["A3"], down["A4"]] == ["pear", "Apple", "10", "9"])
    }

    @Test func aCellRectParsesEitherOrderAndOneCell() {
        #expect(CellRect("C3:A1")?.description == "A1:C3")
        #expect(CellRect("b2")?.description == "B2")
        #expect(CellRect("A1:") == nil && CellRect("A1:B2:C3") == nil)
        #expect(CellRect("A1:B3")?.count == 6)
    }
}

@Suite("Command line (pure)")
struct TUICommandTests {
    @Test func commandsParseAndBadOnesSayTheirUsage() throws {
        #expect(try TUICommand.parse("sort B desc") == .sort(column: 1, descending: true))
        #expect(try TUICommand.parse("sort AA") == .sort(column: 26, descending: false))
        #expect(try TUICommand.parse("fill right") == .fill(.right))
        #expect(try TUICommand.parse("goto c12") == .goto(at("C12")))
        #expect(try TUICommand.parse("set width 20") == .setWidth(20))
        guard case .exportFile(let request) = try TUICommand.parse("export out.xlsx B2:C9 formulas") else { Issue.record("not an export"); return }
        #expect(request.path == "out.xlsx" && request.range?.description == "B2:C9" && request.formulas)
        #expect(throws: ProtocolError.self) { try TUICommand.parse("sort 12") }
        do {
            _ = try TUICommand.parse("srot A")
        } catch {
            #expect(error.message.contains("commands: import export sort"))
        }
    }

    @Test func tabCompletesCommandNamesAndFileNames() {
        #expect(TUICommand.complete("so").text == "sort ")
        #expect(TUICommand.complete("e").text == "export ")
        #expect(TUICommand.complete("").choices.count == TUICommand.all.count)
        #expect(TUICommand.directoryToList("import data/ju") == "data/")
        #expect(TUICommand.complete("import data/ju", files: ["june.csv", "july.csv", "x.csv"]).text == "import data/ju")
        #expect(TUICommand.complete("import data/jun", files: ["june.csv", "july.csv"]).text == "import data/june.csv ")
        #expect(TUICommand.complete("import da", files: ["data/"]).text == "import data/")
    }
}

@Suite("TUI ranges")
struct TUIRangeTests {
    @Test func selectCopyAndPasteIsOneMultiEditAndTheClipboardGetsTabSeparatedText() {
        var harness = TUIHarness(cells: ["A1": "1", "B1": "=A1*2", "A2": "3"])
        harness.press([.character("v"), .right, .down])
        #expect(harness.model.selection?.description == "A1:B2")
        let copied = harness.press(.character("y"))
        #expect(copied.contains(.clipboard("1\t=A1*2\n3\t")))
        #expect(harness.model.selection == nil)
        harness.press(.character("g"))
        harness.type("D5")
        harness.press(.enter)
        let pasted = multis(harness.press(.character("p")))
        #expect(pasted.count == 1 && pasted[0].label == "paste")
        #expect(values(pasted[0].cells) == ["D5": "1", "E5": "=D5*2", "D6": "3"])
        #expect(pasted[0].cells.allSatisfy { $0.base == .zero })
        #expect(harness.lines.joined().contains("Paste: 3 cells in D5:E6, as one edit"))
    }

    @Test func undoTakesAWholePasteBackAsOneMultiEditBasedOnItsVersion() {
        var harness = TUIHarness(cells: ["A1": "a", "A2": "b", "C1": "old"])
        harness.press([.shiftDown, .character("y"), .character("l"), .character("l")])
        let paste = multis(harness.press(.character("p")))
        #expect(values(paste[0].cells) == ["C1": "a", "C2": "b"])
        let op = harness.state.edits.last!.op
        harness.receive(.ack(.init(op: op, cell: "C1", version: tv(20), count: 2)))
        let undone = multis(harness.press(.character("u")))
        #expect(undone.count == 1 && undone[0].label == "undo")
        #expect(values(undone[0].cells) == ["C1": "old", "C2": "∅"])
        #expect(undone[0].cells.allSatisfy { $0.base == tv(20) })
    }

    @Test func undoingTwoEditsOfTheSameCellsInTurnBasesTheSecondOnTheFirstUndo() {
        var harness = TUIHarness(cells: ["A1": "b", "A2": "a"])
        harness.press([.character("v"), .character("j"), .character(":")] + Key.typing("sort A") + [.enter])
        harness.receive(.ack(.init(op: harness.state.edits.last!.op, cell: "A1", version: tv(20), count: 2)))
        // Both cells are filled, so fill down copies the top one: A2 becomes "a".
        harness.press([.character("k"), .character("v"), .character("j"), .control("d")])
        harness.receive(.ack(.init(op: harness.state.edits.last!.op, cell: "A2", version: tv(21), count: 1)))
        let first = multis(harness.press(.character("u")))
        #expect(first.first?.cells.map(\.base) == [tv(21)])
        harness.receive(.ack(.init(op: harness.state.edits.last!.op, cell: "A2", version: tv(22), count: 1)))
        let second = multis(harness.press(.character("u")))
        #expect(values(second.first?.cells ?? []) == ["A1": "b", "A2": "a"])
        #expect(second.first?.cells.map(\.base) == [tv(20), tv(22)], "A2 was last written by the first undo")
    }

    @Test func undoKeepsABoundedNumberOfOldValues() {
        var harness = TUIHarness()
        for round in 0..<8 {
            let text = (0..<10_000).map { "r\(round)-\($0)" }.joined(separator: "\n")
            harness.press(.paste(text))
            harness.receive(.ack(.init(op: harness.state.edits.last!.op, cell: "A1", version: tv(UInt64(20 + round)), count: 10_000)))
        }
        #expect(harness.model.undo.reduce(0) { $0 + $1.before.count } <= TUIModel.undoCells)
        #expect(harness.model.undo.count == TUIModel.undoCells / 10_000, "the newest pastes stay undoable")
    }

    @Test func cutClearAndFillAreEachOneEdit() {
        var harness = TUIHarness(cells: ["A1": "1", "A2": "2", "B1": "x"])
        harness.press([.character("v"), .down, .down, .down])
        let filled = multis(harness.press(.control("d")))
        #expect(filled.map(\.label) == ["fill"] && values(filled[0].cells) == ["A3": "3", "A4": "4"])
        // The cut waits behind the fill of A3 until that is answered.
        harness.receive(.ack(.init(op: harness.state.edits.last!.op, cell: "A3", version: tv(20), count: 2)))
        harness.press(.character("k"))
        harness.press([.character("v"), .character("l")])
        let cut = multis(harness.press(.character("d")))
        #expect(cut.map(\.label) == ["cut"] && Set(cut[0].cells.map(\.cell)) == ["A3"], "B3 was empty")
        #expect(harness.model.clipboard?.rows == [["3", nil]])
        let cleared = multis(harness.press([.character("g")] + Key.typing("A1") + [.enter, .character("v"), .character("l"), .character("x")]))
        #expect(cleared.map(\.label) == ["clear"] && Set(cleared[0].cells.map(\.cell)) == ["A1", "B1"])
    }

    @Test func aTerminalPasteOfTabSeparatedTextLandsFromTheCursor() throws {
        var harness = TUIHarness()
        harness.press([.character("j"), .character("l")])
        let pasted = multis(harness.press(.paste("name\tqty\npear\t3\n")))
        try #require(pasted.count == 1, "\(harness.model.notice?.text ?? "")")
        #expect(values(pasted[0].cells) == ["B2": "name", "C2": "qty", "B3": "pear", "C3": "3"])
        harness.receive(.ack(.init(op: harness.state.edits.last!.op, cell: "B2", version: tv(20), count: 4)))
        let csv = multis(harness.press(.paste("\"a,b\",c")))
        try #require(csv.count == 1)
        #expect(values(csv[0].cells) == ["B2": "a,b", "C2": "c"])
        let bad = harness.press(.paste("\"never closed,x"))
        #expect(multis(bad).isEmpty && bad.contains(.bell))
        #expect(harness.model.notice?.text.contains("nothing was pasted") == true)
    }

    @Test func sortByTheCommandLineSortsTheSelectionAndRemembersTheCommand() {
        var harness = TUIHarness(cells: ["A1": "b", "A2": "10", "A3": "a", "A4": "2"])
        harness.press([.character("v"), .down, .down, .down, .character(":")])
        harness.type("sort A")
        let sorted = multis(harness.press(.enter))
        #expect(sorted.map(\.label) == ["sort"])
        #expect(values(sorted[0].cells) == ["A1": "2", "A2": "10", "A3": "a", "A4": "b"])
        harness.press([.character(":"), .up])
        guard case .command(let editor) = harness.model.mode else { Issue.record("not on the command line"); return }
        #expect(editor.text == "sort A")
        harness.press(.escape)
        harness.press([.character(":")] + Key.typing("sort Q") + [.enter])
        #expect(harness.model.notice?.isError == true)
    }

    @Test func aLostPasteOffersReApplyOnTheNewValues() {
        var harness = TUIHarness(cells: ["A1": "1"])
        harness.press([.character("y"), .character("j")])
        harness.press(.character("p"))
        harness.press([.character("k"), .character("v"), .character("j"), .character("y"), .character("l")])
        let paste = multis(harness.press(.character("p")))
        #expect(Set(paste[0].cells.map(\.cell)) == ["B1", "B2"])
        let op = harness.state.edits.last!.op
        let winner = CellState(value: "bob's", version: tv(30), user: "bob", at: 0)
        harness.receive(.conflict(.init(op: op, cell: "B2", version: tv(31), yours: nil, base: .zero, theirs: winner,
                                        moved: [CellChange(cell: "B2", value: "1", base: .zero, winner: winner)])))
        #expect(harness.model.mode == .conflict)
        let screen = harness.lines.joined(separator: "\n")
        #expect(screen.contains("paste of 2 cells in B1:B2 lost"))
        #expect(screen.contains("B2: theirs \"bob's\" by bob"))
        let again = multis(harness.press(.character("m")))
        #expect(harness.state.edits.last?.label == "paste" && harness.state.edits.last?.cells.count == 2)
        #expect(again.count == 1 && Set(again[0].cells.map(\.cell)) == ["B1", "B2"])
    }

    @Test func spaceOnAPasteInTheHistoryShowsItsCellsAndEnterGoesToItsRange() {
        var harness = TUIHarness(cells: ["C3": "old"])
        harness.receive(.event(GridEvent(
            id: tv(20), kind: .multi, user: "bob", at: 1_700_000_000_000,
            cells: [CellChange(cell: "B2", value: "x"), CellChange(cell: "C3", value: "y", old: "old")], label: "paste", count: 2, range: "B2:C3"
        )))
        harness.press([.tab, .tab])
        #expect(harness.model.focus == .history)
        harness.press(.up)
        harness.press(.character(" "))
        guard case .entry = harness.model.mode else { Issue.record("no expanded entry: \(harness.model.mode)"); return }
        let screen = harness.lines.joined(separator: "\n")
        #expect(screen.contains("bob pasted 2 cells in B2:C3"), "\(screen)")
        #expect(screen.contains("B2      (empty) → \"x\"") && screen.contains("C3      \"old\" → \"y\""), "\(screen)")
        harness.press(.enter)
        #expect(harness.model.mode == .normal && harness.model.cursor == at("B2") && harness.model.focus == .grid)
    }

    @Test func colonImportSendsTheFileAsChunksOfOneImportAndShowsProgressToTheEnd() throws {
        var harness = TUIHarness()
        let asked = harness.press([.character(":")] + Key.typing("import data.csv at B2") + [.enter])
        guard case .importFile(let request) = asked.first(where: { if case .importFile = $0 { true } else { false } }) else {
            Issue.record("no import effect: \(asked)"); return
        }
        #expect(request.path == "data.csv" && request.at == at("B2"))
        let cells = (0..<25_000).map { (CellAddress(column: 1, row: 1 + $0)!, "v\($0)") }
        let sent = multis(harness.model.importLoaded(request, .success(ImportedSheet(cells: cells))))
        #expect(sent.count == 3 && sent.allSatisfy { $0.label == "import" } && sent.map(\.cells.count) == [10_000, 10_000, 5_000])
        #expect(harness.model.notice?.text == "Importing data.csv: 0 of 25000 cells")
        let ops = harness.state.edits.map(\.op)
        harness.receive(.ack(.init(op: ops[0], cell: "B2", version: tv(20), count: 10_000)))
        #expect(harness.model.notice?.text == "Importing data.csv: 10000 of 25000 cells")
        harness.receive(.ack(.init(op: ops[1], cell: "B10002", version: tv(21), count: 10_000)))
        harness.receive(.ack(.init(op: ops[2], cell: "B20002", version: tv(22), count: 5_000)))
        #expect(harness.model.notice?.text == "Imported 25000 cells from data.csv, one history entry")
        #expect(harness.model.importing == nil)
    }

    @Test func colonExportOfASelectionAsksForThatRange() {
        var harness = TUIHarness(cells: ["A1": "1"])
        let effects = harness.press([.character("v"), .character("j"), .character("l"), .character(":")] + Key.typing("export out.xlsx formulas") + [.enter])
        var request = ScriptCommand.FileExport(path: "out.xlsx")
        request.range = CellRect("A1:B2")
        request.formulas = true
        #expect(effects.contains(.exportFile(request)))
    }

    @Test func othersSeeTheSelectionInPresenceAndItIsOutlinedForThem() {
        var harness = TUIHarness(others: [UserPresence(session: "s-bob", user: "bob", server: "t1", cursor: "C3", selection: "B2:C3", at: 0)], colors: false)
        let effects = harness.press([.character("v"), .character("j")])
        #expect(effects.contains(.presence(cursor: "A2", editing: nil, selection: "A1:A2")))
        let buffer = Renderer.render(harness.model, size: harness.model.size)
        let geometry = harness.model.gridGeometry
        let columns = geometry.columns(from: 0, widths: harness.model.widths)
        let b2 = buffer[harness.model.layout.grid.row + 2, columns[1].x]
        #expect(b2.style.underline, "B2 is inside bob's selection")
    }
}
