import Foundation
import Testing
@testable import GridTUIKit
@testable import GridClientCore
@testable import Shared

func tv(_ ms: UInt64, _ seq: UInt64 = 0) -> Version { Version(milliseconds: ms, sequence: seq) }

/// A logged-in model. The model owns the client state, as in the app: its edits and the
/// server messages given here change that state, so pending edits and op ids are real.
struct TUIHarness {
    static let server = "ws://127.0.0.1:18181/ws"
    var model: TUIModel
    var state: ClientState { model.state }

    init(
        cells: [String: String] = [:], contested: [String] = [], others: [UserPresence] = [],
        historyStart: Version? = nil, size: TerminalSize = TerminalSize(rows: 24, columns: 80),
        colors: Bool = true, ascii: Bool = false
    ) {
        model = TUIModel(
            user: "alice", grid: "g", servers: [Self.server],
            options: TUIOptions(colors: colors, ascii: ascii, timeZone: TimeZone(identifier: "UTC")!), size: size, now: 1_000,
            clientID: "t"
        )
        let cellStates = cells.mapValues { CellState(value: $0, version: tv(5), user: "bob", at: 1_700_000_000_000) }
        let me = UserPresence(session: "s-alice", user: "alice", server: "t1", cursor: "A1", at: 0)
        let welcome = ServerMessage.welcome(.init(
            session: "s-alice", server: "t1", user: "alice", grid: "g", version: tv(10), cells: cellStates,
            contested: Dictionary(uniqueKeysWithValues: contested.map { ($0, tv(9)) }), users: [me] + others,
            historyStart: historyStart, durable: tv(10)
        ))
        _ = status(.connected(server: Self.server))
        _ = receive(welcome)
    }

    @discardableResult
    mutating func receive(_ message: ServerMessage) -> [TUIEffect] {
        model.apply(.message(message, raw: ""))
    }

    @discardableResult
    mutating func status(_ status: ConnectionStatus) -> [TUIEffect] {
        model.apply(.status(status))
    }

    @discardableResult
    mutating func press(_ keys: [Key]) -> [TUIEffect] {
        var effects: [TUIEffect] = []
        for key in keys { effects += model.handle(key) }
        return effects
    }

    @discardableResult
    mutating func press(_ key: Key) -> [TUIEffect] { press([key]) }

    @discardableResult
    mutating func type(_ text: String) -> [TUIEffect] { press(Key.typing(text)) }

    var lines: [String] { Renderer.render(model, size: model.size).lines }
}

/// An edit frame the model asked to send, in the shape the tests compare.
enum Sent: Hashable {
    case set(cell: String, value: String, base: Version)
    case clear(cell: String, base: Version)
    case resolve(cell: String)
}

func sends(_ effects: [TUIEffect]) -> [Sent] {
    effects.flatMap { effect -> [Sent] in
        guard case .send(let frames) = effect else { return [] }
        return frames.compactMap { frame in
            guard case .edit(let edit) = frame else { return nil }
            switch edit.kind {
            case .set: return .set(cell: edit.cell, value: edit.value ?? "", base: edit.base)
            case .clear: return .clear(cell: edit.cell, base: edit.base)
            case .resolve: return .resolve(cell: edit.cell)
            case .multi: return nil
            }
        }
    }
}

@Suite("TUI keys")
struct TUIKeyTests {
    // MARK: Editing

    @Test func editTypeAndEnterSendsSet() {
        var harness = TUIHarness()
        let opened = harness.press(.character("i"))
        #expect(opened.contains(.presence(cursor: "A1", editing: "A1")))
        var effects = harness.type("42")
        effects += harness.press(.enter)
        #expect(sends(effects) == [.set(cell: "A1", value: "42", base: .zero)])
        #expect(effects.contains(.presence(cursor: "A1", editing: nil)))
        #expect(harness.model.mode == .normal)
        #expect(harness.model.state.saveState.pending == 1)
    }

    @Test func enterOpensTheEditorOnTheCurrentValue() {
        var harness = TUIHarness(cells: ["A1": "abc"])
        var effects = harness.press([.enter, .backspace])
        effects += harness.type("d")
        effects += harness.press(.enter)
        #expect(sends(effects) == [.set(cell: "A1", value: "abd", base: tv(5))])
    }

    @Test func equalsStartsAnEmptyValue() {
        var harness = TUIHarness(cells: ["A1": "old"])
        harness.press(.character("c"))
        guard case .edit(let session) = harness.model.mode else { Issue.record("editor not open"); return }
        #expect(session.editor.text.isEmpty)
        let effects = harness.type("new") + harness.press(.enter)
        #expect(sends(effects) == [.set(cell: "A1", value: "new", base: tv(5))])
    }

    @Test func lineEditorKeysMoveAndDelete() {
        var harness = TUIHarness()
        var effects = harness.press(.character("i")) + harness.type("hello")
        effects += harness.press([.home, .delete, .end, .left, .backspace])
        effects += harness.type("X")
        effects += harness.press([.left, .right, .enter])
        #expect(sends(effects) == [.set(cell: "A1", value: "elXo", base: .zero)])
    }

    @Test func escapeCancelsTheEditor() {
        var harness = TUIHarness()
        let effects = harness.press(.character("i")) + harness.type("x") + harness.press(.escape)
        #expect(sends(effects).isEmpty)
        #expect(harness.model.mode == .normal)
        #expect(effects.last == .presence(cursor: "A1", editing: nil))
    }

    @Test func typingHAndQInTheEditorInsertsThem() {
        var harness = TUIHarness()
        let effects = harness.press(.character("i")) + harness.type("hjklq?gx") + harness.press(.enter)
        #expect(sends(effects) == [.set(cell: "A1", value: "hjklq?gx", base: .zero)])
        #expect(harness.model.cursor.description == "A1")
    }

    @Test func anEditIsWrittenOverTheVersionSeenWhenEditingStarted() {
        var harness = TUIHarness(cells: ["A1": "start"])
        harness.press(.enter)
        harness.type("+mine")
        // Someone commits the cell while this user types: committing must be a conflict.
        harness.receive(.event(GridEvent(id: tv(12), kind: .set, cell: "A1", value: "theirs", old: "start", user: "bob", at: 0)))
        #expect(harness.lines.last?.contains(" EDIT  A1 (changed by bob meanwhile): start+mine") == true)
        #expect(sends(harness.press(.enter)) == [.set(cell: "A1", value: "start+mine", base: tv(5))])
    }

    @Test func committingUnchangedTextSendsNothing() {
        var harness = TUIHarness(cells: ["A1": "same"])
        #expect(sends(harness.press([.enter, .enter])).isEmpty)
    }

    @Test func committingAnEmptyValueClears() {
        var harness = TUIHarness(cells: ["A1": "v"])
        let effects = harness.press([.character("c"), .enter])
        #expect(sends(effects) == [.clear(cell: "A1", base: tv(5))])
    }

    @Test func xAndDeleteClearTheCell() {
        var harness = TUIHarness(cells: ["A1": "v", "A2": "w"])
        #expect(sends(harness.press(.character("x"))) == [.clear(cell: "A1", base: tv(5))])
        #expect(sends(harness.press([.down, .delete])) == [.clear(cell: "A2", base: tv(5))])
        #expect(sends(harness.press([.down, .character("x")])).isEmpty)
    }

    // MARK: Moving

    @Test func arrowsAndHjklMove() {
        var harness = TUIHarness()
        harness.press([.right, .right, .down, .character("l"), .character("j"), .character("h"), .character("k"), .left])
        #expect(harness.model.cursor.description == "B2")
        harness.press([.up, .up, .character("k"), .left, .left, .character("h")])
        #expect(harness.model.cursor.description == "A1")
    }

    @Test func gotoMovesToATypedCell() {
        var harness = TUIHarness()
        harness.press(.character("g"))
        harness.type("C12")
        harness.press(.enter)
        #expect(harness.model.cursor.description == "C12")
    }

    @Test func gotoAcceptsLowercaseAndRejectsCellsOutsideTheGrid() {
        var harness = TUIHarness()
        harness.press(.character("g"))
        harness.type("xfd1048576")
        harness.press(.enter)
        #expect(harness.model.cursor.description == "XFD1048576")
        harness.press(.character("g"))
        harness.type("XFE1")
        let effects = harness.press(.enter)
        #expect(effects.contains(.bell))
        #expect(harness.model.cursor.description == "XFD1048576")
        #expect(harness.model.notice?.isError == true)
    }

    @Test func movingSendsCursorPresence() {
        var harness = TUIHarness()
        #expect(harness.press(.down) == [.presence(cursor: "A2", editing: nil)])
        #expect(harness.press(.character("l")) == [.presence(cursor: "B2", editing: nil)])
    }

    @Test func noPresenceBeforeLogin() {
        var model = TUIModel(user: "alice", grid: "g", servers: [TUIHarness.server])
        #expect(model.handle(.down).isEmpty)
        #expect(model.cursor.description == "A2")
    }

    @Test func pageKeysMoveByAScreenAndStayInTheGrid() {
        var harness = TUIHarness()
        harness.press(.pageDown)
        #expect(harness.model.cursor.row == harness.model.gridGeometry.dataRows)
        harness.press([.pageUp, .pageUp, .up])
        #expect(harness.model.cursor.description == "A1")
    }

    @Test func homeAndEnd() {
        var harness = TUIHarness(cells: ["D1": "x", "B1": "y"])
        harness.press(.end)
        #expect(harness.model.cursor.description == "D1")
        harness.press(.end)
        #expect(harness.model.cursor.description == "XFD1")
        harness.press(.home)
        #expect(harness.model.cursor.description == "A1")
    }

    @Test func lessAndGreaterChangeTheColumnWidth() {
        var harness = TUIHarness()
        harness.press(.character(">"))
        #expect(harness.model.widths[0] == ColumnWidths.standard + 1)
        harness.press([.character("<"), .character("<")])
        #expect(harness.model.widths[0] == ColumnWidths.standard - 1)
        for _ in 0..<20 { harness.press(.character("<")) }
        #expect(harness.model.widths[0] == ColumnWidths.minimum)
        #expect(harness.model.widths[1] == ColumnWidths.standard)
    }

    @Test func searchFindsValuesAndNextWraps() {
        var harness = TUIHarness(cells: ["A1": "apple", "C3": "Pineapple", "B2": "pear"])
        harness.press(.character("/"))
        harness.type("APPLE")
        harness.press(.enter)
        #expect(harness.model.cursor.description == "C3")
        harness.press(.character("n"))
        #expect(harness.model.cursor.description == "A1")
        harness.press(.character("n"))
        #expect(harness.model.cursor.description == "C3")
    }

    @Test func searchWithoutMatchRings() {
        var harness = TUIHarness(cells: ["A1": "apple"])
        let effects = harness.press(.character("/")) + harness.type("kiwi") + harness.press(.enter)
        #expect(effects.contains(.bell))
        #expect(harness.model.cursor.description == "A1")
    }

    @Test func ownUnansweredEditsShowAtOnce() {
        var harness = TUIHarness(cells: ["A1": "old"])
        harness.press(.character("c"))
        harness.type("typed")
        harness.press(.enter)
        #expect(harness.model.displayedValue(of: "A1") == ("typed", true))
        #expect(harness.lines[3].hasPrefix("  1 typed "))
        #expect(harness.lines[1].hasSuffix(" yours, not saved yet "))
        harness.receive(.ack(.init(op: harness.state.edits[0].op, cell: "A1", version: tv(20))))
        #expect(harness.model.displayedValue(of: "A1") == ("typed", false))
        harness.receive(.event(GridEvent(id: tv(20), kind: .set, cell: "A1", value: "typed", old: "old", user: "alice", at: 0)))
        #expect(harness.model.displayedValue(of: "A1") == ("typed", false))
        harness.receive(.event(GridEvent(id: tv(21), kind: .set, cell: "A1", value: "later", user: "bob", at: 0)))
        #expect(harness.model.displayedValue(of: "A1") == ("later", false))
    }

    // MARK: Undo

    @Test func undoAfterAnEditSendsTheUndo() {
        var harness = TUIHarness()
        harness.press(.character("i"))
        harness.type("42")
        harness.press(.enter)
        let effects = harness.press(.character("u"))
        // The undo waits behind the unanswered edit of the same cell; it is sent once that is answered.
        #expect(sends(effects).isEmpty)
        #expect(harness.state.edits.last.map { ($0.kind, $0.cell, $0.isQueued) } ?? (.set, "", false) == (.clear, "A1", true))
    }

    @Test func undoNamesTheVersionTheEditWasCommittedAt() {
        var harness = TUIHarness(cells: ["A1": "old"])
        harness.press(.enter)
        harness.type("!")
        harness.press(.enter)
        let op = harness.state.edits[0].op
        harness.receive(.ack(.init(op: op, cell: "A1", version: tv(20))))
        harness.press(.down)
        let effects = harness.press(.character("u"))
        #expect(sends(effects) == [.set(cell: "A1", value: "old", base: tv(20))])
        #expect(harness.model.cursor.description == "A1")
    }

    @Test func undoWalksBackOwnEditsNewestFirst() {
        var harness = TUIHarness(cells: ["A1": "a"])
        harness.press(.character("x"))
        harness.press(.down)
        harness.press(.character("c"))
        harness.type("b")
        harness.press(.enter)
        harness.receive(.ack(.init(op: harness.state.edits[0].op, cell: "A1", version: tv(20))))
        harness.receive(.ack(.init(op: harness.state.edits[1].op, cell: "A2", version: tv(21))))
        #expect(sends(harness.press(.character("u"))) == [.clear(cell: "A2", base: tv(21))])
        #expect(sends(harness.press(.character("u"))) == [.set(cell: "A1", value: "a", base: tv(20))])
        #expect(harness.press(.character("u")).contains(.bell))
    }

    @Test func anEditThatLostCannotBeUndone() {
        var harness = TUIHarness()
        harness.press(.character("c"))
        harness.type("mine")
        harness.press(.enter)
        let op = harness.state.edits[0].op
        harness.receive(.conflict(.init(op: op, cell: "A1", version: tv(21), yours: "mine", base: .zero, theirs: CellState(value: "theirs", version: tv(20), user: "bob", at: 0))))
        harness.press(.escape)
        #expect(harness.model.undo.isEmpty)
    }

    // MARK: Quitting

    @Test func quitWithNothingPendingQuits() {
        var harness = TUIHarness()
        #expect(harness.press(.character("q")) == [.quit])
    }

    @Test func quitWithPendingEditsAsksFirst() {
        var harness = TUIHarness()
        harness.press(.character("c"))
        harness.type("1")
        harness.press(.enter)
        #expect(!harness.press(.character("q")).contains(.quit))
        #expect(harness.model.mode == .confirm(.quit(pending: 1)))
        #expect(harness.lines.last?.contains("not saved by the server yet. Quit anyway? (y/n)") == true)
        #expect(!harness.press(.character("n")).contains(.quit))
        #expect(harness.model.mode == .normal)
        harness.press(.character("q"))
        #expect(harness.press(.character("y")).contains(.quit))
    }

    @Test func quitAfterTheEditIsAckedDoesNotAsk() {
        var harness = TUIHarness()
        harness.press(.character("c"))
        harness.type("1")
        harness.press(.enter)
        harness.receive(.ack(.init(op: harness.state.edits[0].op, cell: "A1", version: tv(20))))
        #expect(harness.press(.character("q")) == [.quit])
    }

    // MARK: Conflicts

    private func conflicted() -> TUIHarness {
        var harness = TUIHarness(cells: ["B2": "base"])
        harness.press([.right, .down, .enter, .end])
        harness.type("+mine")
        harness.press(.enter)
        let op = harness.state.edits[0].op
        let effects = harness.receive(.conflict(.init(
            op: op, cell: "B2", version: tv(31), yours: "base+mine", base: tv(5),
            theirs: CellState(value: "theirs", version: tv(30), user: "bob", at: 1_700_000_000_000)
        )))
        #expect(effects.contains(.bell))
        return harness
    }

    @Test func conflictOpensTheDialog() {
        let harness = conflicted()
        #expect(harness.model.mode == .conflict)
        let screen = harness.lines.joined(separator: "\n")
        #expect(screen.contains("CONFLICT on B2"))
        #expect(screen.contains("theirs: \"theirs\""))
        #expect(screen.contains("by bob at 2023-11-14 22:13:20"))
        #expect(screen.contains("mine:   \"base+mine\""))
        #expect(screen.contains("t keep theirs"))
    }

    @Test func conflictTKeepsTheirs() {
        var harness = conflicted()
        #expect(sends(harness.press(.character("t"))) == [.resolve(cell: "B2")])
        #expect(harness.model.mode == .normal)
        #expect(harness.model.conflicts.isEmpty)
    }

    @Test func conflictMWritesMineAgainOverTheirs() {
        var harness = conflicted()
        #expect(sends(harness.press(.character("m"))) == [.set(cell: "B2", value: "base+mine", base: tv(30))])
    }

    @Test func conflictEOpensTheEditorWithMine() {
        var harness = conflicted()
        harness.press(.character("e"))
        guard case .edit(let session) = harness.model.mode else { Issue.record("editor not open"); return }
        #expect(session.editor.text == "base+mine")
        #expect(session.cell == "B2")
        harness.type("!")
        #expect(sends(harness.press(.enter)) == [.set(cell: "B2", value: "base+mine!", base: tv(30))])
    }

    @Test func conflictKeysDoNothingOutsideTheDialog() {
        var harness = TUIHarness()
        #expect(sends(harness.press([.character("t"), .character("m"), .character("e")])).isEmpty)
    }

    @Test func conflictWhileEditingWaitsForTheEditorToClose() {
        var harness = TUIHarness()
        harness.press(.character("c"))
        harness.receive(.conflict(.init(op: "t-99", cell: "C3", version: tv(31), yours: "x", base: tv(5), theirs: CellState(value: "y", version: tv(30), user: "bob", at: 0))))
        guard case .edit = harness.model.mode else { Issue.record("editor closed by the conflict"); return }
        harness.press(.escape)
        #expect(harness.model.mode == .conflict)
    }

    @Test func editingACellSomeoneElseEditsWarnsFirst() {
        let bob = UserPresence(session: "s-bob", user: "bob", server: "t2", cursor: "A1", editing: "A1", at: 0)
        var harness = TUIHarness(others: [bob])
        harness.press(.character("i"))
        #expect(harness.model.mode == .confirm(.editAnyway(cell: "A1", editors: ["bob"], prefill: "")))
        #expect(harness.lines.last?.contains("bob is editing A1. Edit anyway? (y/n)") == true)
        harness.press(.character("n"))
        #expect(harness.model.mode == .normal)
        harness.press(.character("i"))
        let effects = harness.press(.character("y"))
        guard case .edit = harness.model.mode else { Issue.record("editor not open"); return }
        #expect(effects.contains(.presence(cursor: "A1", editing: "A1")))
    }

    // MARK: Panels, help, history

    @Test func tabCyclesFocusThroughVisiblePanels() {
        var harness = TUIHarness()
        harness.press(.tab)
        #expect(harness.model.focus == .users)
        harness.press(.tab)
        #expect(harness.model.focus == .history)
        harness.press(.tab)
        #expect(harness.model.focus == .grid)
        harness.press(.character("U"))
        harness.press(.tab)
        #expect(harness.model.focus == .history)
        harness.press(.character("H"))
        #expect(harness.model.focus == .grid)
        #expect(!harness.model.showUsers && !harness.model.showHistory)
    }

    @Test func usersPanelEnterJumpsToTheirCursor() {
        let bob = UserPresence(session: "s-bob", user: "bob", server: "t2", cursor: "D7", at: 0)
        var harness = TUIHarness(others: [bob])
        harness.press([.tab, .down, .enter])
        #expect(harness.model.cursor.description == "D7")
        #expect(harness.model.focus == .grid)
    }

    @Test func helpShowsTheKeyTable() {
        var harness = TUIHarness()
        harness.press(.character("?"))
        #expect(harness.model.mode == .help(scroll: 0))
        let screen = harness.lines.joined(separator: "\n")
        #expect(screen.contains("Keys"))
        #expect(screen.contains("edit the cell's value"))
        harness.press(.escape)
        #expect(harness.model.mode == .normal)
    }

    @Test func historyLoadsTheNewestPageAfterLogin() {
        let harness = TUIHarness(historyStart: tv(1))
        #expect(harness.model.history.loadingOlder)
    }

    @Test func historyLoadsOlderPagesWhileScrollingBackToTheFirst() {
        var harness = TUIHarness(historyStart: tv(1))
        let newest = (41...60).map { GridEvent(id: tv(UInt64($0)), kind: .set, cell: "A\($0)", value: "v\($0)", user: "bob", at: 0) }
        var effects = harness.model.historyLoaded(.init(id: "h1", entries: newest, more: true), before: nil, after: nil)
        #expect(effects.contains(.loadHistory(before: tv(41))))
        let older = (1...40).map { GridEvent(id: tv(UInt64($0)), kind: .set, cell: "A\($0)", value: "v\($0)", user: "bob", at: 0) }
        effects = harness.model.historyLoaded(.init(id: "h2", entries: older, more: false), before: tv(41), after: nil)
        #expect(!effects.contains { if case .loadHistory = $0 { true } else { false } })
        #expect(harness.model.history.count == 60)
        #expect(!harness.model.history.olderAvailable)
        harness.press([.tab, .tab, .home])
        #expect(harness.lines.contains { $0.contains("start of history") })
        harness.press([.down, .down, .enter])
        #expect(harness.model.cursor.description == "A3")
    }

    @Test func liveEventsAreAppendedToHistory() {
        var harness = TUIHarness()
        harness.receive(.event(GridEvent(id: tv(11), kind: .set, cell: "B1", value: "new", old: "old", user: "bob", at: 0)))
        harness.receive(.event(GridEvent(id: tv(12), kind: .sessionOpen, user: "carol", server: "t2", at: 0)))
        #expect(harness.model.history.entries.map(\.id) == [tv(11), tv(12)])
    }

    @Test func reconnectFillsTheHistoryGap() {
        var harness = TUIHarness()
        harness.receive(.event(GridEvent(id: tv(11), kind: .set, cell: "B1", value: "new", user: "bob", at: 0)))
        let welcome = ServerMessage.welcome(.init(
            session: "s-2", server: "t2", user: "alice", grid: "g", version: tv(50), cells: [:], contested: [:],
            users: [], historyStart: tv(1), durable: tv(50)
        ))
        let effects = harness.receive(welcome)
        #expect(effects.contains(.loadHistory(before: nil, after: tv(11))))
    }

    // MARK: Failures

    @Test func redisDownShowsABannerWithOneBellUntilConnected() {
        var harness = TUIHarness()
        let fatal = harness.receive(.error(.init(code: .redisUnavailable, message: "the server lost Redis")))
        #expect(fatal.contains(.bell))
        #expect(harness.model.failure?.kind == .redisDown)
        let waiting = harness.status(.waiting(server: TUIHarness.server, retryAt: 2_500, reason: "redis_unavailable: lost"))
        #expect(!waiting.contains(.bell))
        #expect(harness.model.failure?.kind == .redisDown)
        harness.status(.connecting(server: TUIHarness.server))
        harness.status(.connected(server: TUIHarness.server))
        #expect(harness.model.failure == nil)
    }

    @Test func aFailoverLeavesANoticeWithTheBellThatClearsByItself() {
        var harness = TUIHarness()
        harness.press(.character("c"))
        harness.type("kept")
        harness.press(.enter)
        let other = "ws://127.0.0.1:18182/ws"
        harness.status(.waiting(server: other, retryAt: 1_100, reason: "cannot reach ws://127.0.0.1:18181/ws: reset"))
        #expect(harness.model.failure?.kind == .serverLost)
        harness.status(.connecting(server: other))
        harness.status(.connected(server: other))
        let welcome = ServerMessage.welcome(.init(
            session: "s-2", server: "t2", user: "alice", grid: "g", version: tv(10), cells: [:], contested: [:],
            users: [], historyStart: nil, durable: tv(10)
        ))
        let effects = harness.receive(welcome)
        #expect(effects.contains(.bell))
        #expect(sends(effects) == [.set(cell: "A1", value: "kept", base: .zero)], "the pending edit is resent")
        #expect(harness.model.failure?.kind == .failedOver)
        #expect(harness.model.bannerLines.joined(separator: " ") == "✖ FAILED OVER: lost 127.0.0.1:18181; moved to t2 127.0.0.1:18182; 1 unsaved edit resent.")
        _ = harness.model.tick(now: 1_000 + TUIModel.failoverNoticeMilliseconds - 1)
        #expect(harness.model.failure?.kind == .failedOver, "it stays a few seconds")
        _ = harness.model.tick(now: 1_000 + TUIModel.failoverNoticeMilliseconds)
        #expect(harness.model.failure == nil)
    }

    @Test func aLostRedisIsNoFailover() {
        var harness = TUIHarness()
        harness.receive(.error(.init(code: .redisUnavailable, message: "the server lost Redis")))
        harness.status(.waiting(server: TUIHarness.server, retryAt: 2_500, reason: "redis_unavailable: lost"))
        harness.status(.connected(server: TUIHarness.server))
        harness.receive(.welcome(.init(
            session: "s-2", server: "t1", user: "alice", grid: "g", version: tv(10), cells: [:], contested: [:],
            users: [], historyStart: nil, durable: tv(10)
        )))
        #expect(harness.model.failure == nil)
    }

    @Test func connectionLostWithoutAnErrorIsServerLost() {
        var harness = TUIHarness()
        let reason = "cannot reach ws://127.0.0.1:18181/ws: NIOConnectionError(errors: [Connection refused (errno: 111)])"
        let effects = harness.status(.waiting(server: "ws://127.0.0.1:18182/ws", retryAt: 1_800, reason: reason))
        #expect(effects.contains(.bell))
        #expect(harness.model.failure == Failure(.serverLost, "Lost the connection to the server: cannot reach ws://127.0.0.1:18181/ws (connection refused)."))
        #expect(harness.model.bannerLines.last == "  Reconnecting: next try ws://127.0.0.1:18182/ws in 0.8 s")
    }

    @Test func mysqlDownAtLoginIsNamed() {
        var harness = TUIHarness()
        harness.status(.waiting(server: TUIHarness.server, retryAt: 2_000, reason: "closed"))
        harness.status(.connecting(server: TUIHarness.server))
        harness.receive(.error(.init(code: .mysqlUnavailable, message: "the server cannot reach MySQL")))
        harness.status(.waiting(server: TUIHarness.server, retryAt: 2_000, reason: "mysql_unavailable"))
        #expect(harness.model.failure?.kind == .mysqlDown)
    }

    @Test func refusedLoginIsNamed() {
        var model = TUIModel(user: "bad name", grid: "g", servers: [TUIHarness.server])
        let refusal = ServerMessage.error(.init(code: .badName, message: "user names are 1–32 letters"))
        #expect(model.apply(.message(refusal, raw: "")).contains(.bell))
        _ = model.apply(.status(.stopped(reason: "bad_name: user names are 1–32 letters")))
        #expect(model.failure?.kind == .loginRefused)
        #expect(model.bannerLines.last == "  Not retrying. Press q to quit.")
    }

    @Test func rejectedEditIsNamedAndClearsOnTheNextKey() {
        var harness = TUIHarness()
        harness.press(.character("c"))
        harness.type("huge")
        harness.press(.enter)
        let op = harness.state.edits[0].op
        let effects = harness.receive(.error(.init(code: .valueTooLarge, message: "a cell holds at most 4 bytes", op: op)))
        #expect(effects.contains(.bell))
        #expect(harness.model.failure == Failure(.editRejected, "Your edit of A1 was rejected (value_too_large): a cell holds at most 4 bytes."))
        harness.press(.down)
        #expect(harness.model.failure == nil)
    }

    // MARK: The key table

    @Test func keyTableHasNoDuplicateKeysInAMode() {
        var seen = Set<String>()
        for binding in KeyBindings.table {
            let key = "\(binding.mode):\(binding.key)"
            #expect(!seen.contains(key), "\(key) bound twice")
            seen.insert(key)
        }
    }

    @Test func keyTableCoversTheIssuesKeys() {
        func action(_ key: Key, _ mode: KeyMode) -> TUIAction? { KeyBindings.binding(for: key, in: [mode])?.action }
        #expect(action(.character("i"), .grid) == .edit)
        #expect(action(.enter, .grid) == .edit)
        #expect(action(.character("c"), .grid) == .editNew)
        #expect(action(.delete, .grid) == .clear)
        #expect(action(.character("x"), .grid) == .clear)
        #expect(action(.character("u"), .grid) == .undo)
        #expect(action(.character("g"), .normal) == .gotoCell)
        #expect(action(.character("/"), .normal) == .search)
        #expect(action(.character("n"), .normal) == .searchNext)
        #expect(action(.tab, .normal) == .focusNext)
        #expect(action(.character("U"), .normal) == .toggleUsers)
        #expect(action(.character("H"), .normal) == .toggleHistory)
        #expect(action(.character("?"), .normal) == .help)
        #expect(action(.character("q"), .normal) == .quit)
        #expect(action(.character("t"), .conflict) == .keepTheirs)
        #expect(action(.character("m"), .conflict) == .writeMineAgain)
        #expect(action(.character("e"), .conflict) == .editMine)
        #expect(action(.character("z"), .editor) == .editorInsert)
        #expect(KeyBindings.helpLines().contains { $0.contains("Left h") && $0.contains("move left") })
    }
}
