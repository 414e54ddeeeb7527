import Foundation
import Testing
@testable import GridClientCore
import GridFormula
@testable import GridTUIKit
@testable import Shared

/// Formulas on screen: computed values, their marks, the formula editor and the `F` view.
/// Layout as in TUIRenderTests: row 3 is grid row 1, column A starts at 4, B at 14.
@Suite("TUI formulas")
struct TUIFormulaTests {
    @Test func aFormulaShowsItsValueRightAlignedAndTheCellBarShowsBoth() {
        var harness = TUIHarness(cells: ["A1": "2", "A2": "3", "A3": "=SUM(A1:A2)"])
        harness.press([.down, .down])
        let lines = harness.lines
        #expect(lines[5].hasPrefix("  3         5 "), "\(lines[5])")
        #expect(lines[1].contains("=SUM(A1:A2) → 5"), "\(lines[1])")
    }

    @Test func anEditOfAnInputRecomputesTheFormulaAtOnce() {
        var harness = TUIHarness(cells: ["A1": "2", "A2": "3", "A3": "=SUM(A1:A2)"])
        harness.press(.down)
        harness.press(.character("c"))
        harness.type("10")
        harness.press(.enter)
        #expect(harness.lines[5].hasPrefix("  3        12 "), "own edits count before they are acked")
        #expect(harness.model.shownCell(CellAddress("A3")!).isPending, "and the formula is marked pending like the edit")
        let op = harness.state.edits[0].op
        harness.receive(.ack(.init(op: op, cell: "A2", version: tv(20))))
        harness.receive(.event(GridEvent(id: tv(20), kind: .set, cell: "A2", value: "10", user: "alice", op: op, at: 0)))
        #expect(!harness.model.shownCell(CellAddress("A3")!).isPending)
        #expect(harness.lines[5].hasPrefix("  3        12 "))
    }

    @Test func anotherUsersEditRecomputesDependents() {
        var harness = TUIHarness(cells: ["A1": "2", "B1": "=A1*2"])
        harness.receive(.event(GridEvent(id: tv(11), kind: .set, cell: "A1", value: "21", user: "bob", at: 0)))
        #expect(harness.model.computed.displayText(CellAddress("B1")!) == "42")
    }

    @Test func errorsAreShownAndMarked() {
        var harness = TUIHarness(cells: ["A1": "=1/0", "B1": "=B1+1"])
        let buffer = Renderer.render(harness.model, size: harness.model.size)
        #expect(harness.lines[3].contains("#DIV/0!") && harness.lines[3].contains("#CYCLE!"), "\(harness.lines[3])")
        #expect(buffer[3, 20].style.foreground == .red || buffer[3, 14].style.foreground == .red)
        harness.press(.right)
        #expect(harness.lines[3].contains("#CYCLE!"))
    }

    @Test func typingEqualsStartsAFormulaAndKeepsTheEquals() {
        var harness = TUIHarness()
        harness.press(.character("="))
        harness.type("1+1")
        #expect(harness.model.mode.editingCell == "A1")
        guard case .edit(let session) = harness.model.mode else { Issue.record("not editing"); return }
        #expect(session.editor.text == "=1+1")
        let effects = harness.press(.enter)
        #expect(sends(effects) == [.set(cell: "A1", value: "=1+1", base: .zero)])
        #expect(harness.lines[3].hasPrefix("  1         2 "))
    }

    @Test func theCellsAFormulaRefersToAreHighlightedWhileEditing() {
        var harness = TUIHarness(cells: ["B2": "5"])
        harness.press(.character("="))
        harness.type("B1:B2+C3")
        let buffer = Renderer.render(harness.model, size: harness.model.size)
        #expect(buffer[3, 14].style.background == .cyan, "B1 is in the range")
        #expect(buffer[4, 14].style.background == .cyan, "B2 is in the range")
        #expect(buffer[5, 24].style.background == .cyan, "C3 is referred to")
        #expect(buffer[5, 14].style.background == nil, "B3 is not")
        harness.press(.escape)
        #expect(Renderer.render(harness.model, size: harness.model.size)[3, 14].style.background == nil)
    }

    @Test func capitalFShowsFormulasInsteadOfValues() {
        var harness = TUIHarness(cells: ["A1": "=2*3"])
        #expect(harness.lines[3].hasPrefix("  1         6 "))
        harness.press(.character("F"))
        #expect(harness.lines[3].hasPrefix("  1 =2*3 "))
        harness.press(.character("F"))
        #expect(harness.lines[3].hasPrefix("  1         6 "))
    }

    @Test func aCellDependingOnAContestedCellIsMarked() {
        var harness = TUIHarness(cells: ["A1": "1", "B1": "=A1+1"], contested: ["A1"])
        #expect(harness.model.shownCell(CellAddress("B1")!).dependsOnContested)
        #expect(!harness.model.shownCell(CellAddress("A1")!).dependsOnContested)
        let line = harness.lines[3]
        #expect(line.hasPrefix("  1         1!        2!"), "the contested cell and its dependent both carry the mark: \(line)")
    }

    @Test func twoClientsAtTheSameVersionComputeTheSameValues() {
        let cells = ["A1": "3", "A2": "4", "A3": "=A1^2+A2^2", "B1": "=TEXT(TODAY(),\"yyyy-mm-dd\")", "C1": "=VLOOKUP(4,A1:A2,1,FALSE)"]
        var first = TUIHarness(cells: cells)
        var second = TUIHarness(cells: cells)
        let event = GridEvent(id: Version(milliseconds: 1_796_126_400_000, sequence: 0), kind: .set, cell: "A1", value: "5", user: "bob", at: 0)
        first.receive(event.asMessage)
        second.receive(event.asMessage)
        for cell in ["A3", "B1", "C1"] {
            let address = CellAddress(cell)!
            #expect(first.model.computed.displayText(address) == second.model.computed.displayText(address))
        }
        #expect(first.model.computed.displayText(CellAddress("A3")!) == "41")
        #expect(first.model.computed.displayText(CellAddress("B1")!) == "2026-12-01", "TODAY() is the newest event's day, in UTC")
    }
}

private extension GridEvent {
    var asMessage: ServerMessage { .event(self) }
}
