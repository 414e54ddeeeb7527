import Foundation
import Testing
@testable import GridTUIKit
@testable import GridClientCore
@testable import Shared

@Suite("TUI rendering")
struct TUIRenderTests {
    // At 80x24 with no banner: row 0 status bar, 1 the cell's line, 2 column letters, 3…22 grid
    // rows 1…20, 23 the prompt line. Row numbers take 4 columns, so column A starts at 4, B at
    // 14, C at 24; the panels start at column 52.
    private func render(_ harness: TUIHarness) -> ScreenBuffer {
        Renderer.render(harness.model, size: harness.model.size)
    }

    private func allControlFree(_ buffer: ScreenBuffer) -> Bool {
        buffer.cells.allSatisfy { cell in
            !cell.text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
        }
    }

    // MARK: Headers and viewport

    @Test func columnLettersAndRowNumbersAreShown() {
        let lines = TUIHarness().lines
        #expect(lines.count == 24)
        #expect(lines[2].hasPrefix("        A         B         C         D         E   "))
        #expect(lines[3].hasPrefix("  1 "))
        #expect(lines[4].hasPrefix("  2 "))
        #expect(lines[22].hasPrefix(" 20 "))
        #expect(lines.allSatisfy { DisplayWidth.of($0) == 80 })
    }

    @Test func viewportFollowsTheCursorToTheLastCell() {
        var harness = TUIHarness(cells: ["XFD1048576": "corner", "XFC1048575": "near"])
        harness.press(.character("g"))
        harness.type("XFD1048576")
        harness.press(.enter)
        let lines = harness.lines
        #expect(lines[1].hasPrefix(" XFD1048576 "))
        #expect(lines[2].contains("XFC"))
        #expect(lines[2].hasPrefix("           XFA       XFB       XFC       XFD        │"))
        #expect(lines[22].hasPrefix("1048576 "))
        #expect(lines[22].contains("corner"))
        #expect(lines[21].hasPrefix("1048575 "))
        #expect(lines[21].contains("near"))
        #expect(lines[3].hasPrefix("1048557 "))
        #expect(lines.allSatisfy { DisplayWidth.of($0) == 80 })
    }

    @Test func scrollingRightKeepsHeadersInView() {
        var harness = TUIHarness(cells: ["L30": "far"])
        for _ in 0..<11 { harness.press(.right) }
        for _ in 0..<29 { harness.press(.down) }
        let lines = harness.lines
        #expect(harness.model.origin.column > 0 && harness.model.origin.row > 0)
        #expect(lines[2].contains("L"))
        #expect(lines[22].hasPrefix(" 30 "))
        #expect(lines[22].contains("far"))
    }

    // MARK: Cell text

    @Test func longValuesAreCutWithAMarker() {
        let harness = TUIHarness(cells: ["A1": "abcdefghijklmnop", "B1": "short"])
        #expect(harness.lines[3].hasPrefix("  1 abcdefgh… short     "))
    }

    @Test func asciiTerminalsCutWithGreaterThan() {
        let harness = TUIHarness(cells: ["A1": "abcdefghijklmnop"], colors: false, ascii: true)
        let lines = harness.lines
        #expect(lines[3].hasPrefix("  1 abcdefgh> "))
        #expect(lines.allSatisfy { $0.unicodeScalars.allSatisfy(\.isASCII) })
    }

    @Test func numbersAlignRight() {
        #expect(TUIHarness(cells: ["A1": "42", "B1": "x"]).lines[3].hasPrefix("  1        42 x         "))
    }

    @Test func wideCharactersStayAligned() {
        let harness = TUIHarness(cells: ["A1": "世界世界世界", "B1": "a世界世界世", "C1": "🎉ok", "A2": "日本"])
        let lines = harness.lines
        #expect(lines[3].hasPrefix("  1 世界世界… a世界世 … 🎉ok      "))
        #expect(lines[4].hasPrefix("  2 日本      "))
        #expect(lines.allSatisfy { DisplayWidth.of($0) == 80 })
        let buffer = render(harness)
        // The cut left a space where 界 would have crossed the marker's column.
        #expect(buffer[3, 21].text == " ")
        #expect(buffer[3, 22].text == "…")
    }

    @Test func widenedColumnsShowMore() {
        var harness = TUIHarness(cells: ["A1": "abcdefghijklmnop"])
        for _ in 0..<7 { harness.press(.character(">")) }
        #expect(harness.lines[3].hasPrefix("  1 abcdefghijklmnop  "))
        #expect(harness.lines[2].hasPrefix("           A             B         C"))
    }

    // MARK: Other users, contested cells

    @Test func otherUsersCursorsAreDrawnInTheirColour() {
        let bob = UserPresence(session: "s-bob", user: "bob", server: "t2", cursor: "B2", at: 0)
        let harness = TUIHarness(others: [bob])
        let buffer = render(harness)
        #expect(buffer[4, 14].style.background == UserColor.of("bob"))
        #expect(buffer[4, 22].style.background == UserColor.of("bob"))
        #expect(buffer[4, 24].style.background == nil)
        #expect(harness.lines.contains { $0.contains("│● bob B2 @t2") })
        #expect(harness.lines.contains { $0.contains("│● alice (you) A1 @t1") })
        #expect(harness.lines.contains { $0.contains("Users online (2)") })
    }

    @Test func otherUsersCursorsAreUnderlinedWithoutColours() {
        let bob = UserPresence(session: "s-bob", user: "bob", server: "t2", cursor: "B2", at: 0)
        let buffer = render(TUIHarness(others: [bob], colors: false))
        #expect(buffer[4, 14].style.underline)
        #expect(buffer.cells.allSatisfy { $0.style.foreground == nil && $0.style.background == nil })
    }

    @Test func editingMarksShowWhoEditsWhichCell() {
        let carol = UserPresence(session: "s-carol", user: "carol", server: "t1", cursor: "C3", editing: "C3", at: 0)
        var harness = TUIHarness(others: [carol])
        let buffer = render(harness)
        #expect(buffer[5, 33].text == "✎")
        #expect(buffer[5, 33].style.foreground == UserColor.of("carol"))
        #expect(harness.lines.contains { $0.contains("carol C3 ✎ editing C3") })
        harness.press([.right, .right, .down, .down])
        #expect(harness.lines[1].contains("✎ carol editing"))
    }

    @Test func userColoursAreStableAndFromTheSix() {
        #expect(UserColor.of("alice") == UserColor.of("alice"))
        let colours = Set(["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"].map(UserColor.of))
        #expect(colours.count > 1)
        #expect(colours.isSubset(of: Set(UserColor.palette)))
        #expect(UserColor.palette.count == 6)
    }

    @Test func contestedCellsAreHighlighted() {
        let harness = TUIHarness(cells: ["B2": "disputed"], contested: ["B2"])
        let buffer = render(harness)
        #expect(buffer[4, 14].style.background == .red)
        #expect(buffer[4, 23].text == "!")
        #expect(buffer[4, 24].style.background == nil)
        #expect(buffer[3, 14].style.background == nil)
    }

    @Test func contestedCellsAreHighlightedWithoutColours() {
        var harness = TUIHarness(cells: ["B2": "disputed"], contested: ["B2"], colors: false)
        let buffer = render(harness)
        #expect(buffer[4, 14].style.bold && buffer[4, 14].style.underline)
        #expect(!buffer[3, 14].style.underline)
        harness.press([.right, .down])
        #expect(harness.lines[1].hasPrefix(" B2   CONTESTED  disputed"))
    }

    @Test func ownCursorIsReverse() {
        let buffer = render(TUIHarness())
        #expect(buffer[3, 4].style.reverse)
        #expect(!buffer[3, 14].style.reverse)
        #expect(buffer[2, 8].style.reverse)
    }

    // MARK: Bars and panels

    @Test func statusBarShowsWhoWhereAndTheSaveState() {
        var harness = TUIHarness()
        let top = harness.lines[0]
        #expect(top.hasPrefix(" alice@g │ server t1 127.0.0.1:18181 CONNECTED │ rtt - │ save: durable (MySQL)"))
        #expect(Renderer.render(harness.model, size: TerminalSize(rows: 30, columns: 100)).lines[0].hasSuffix("? help "))
        harness.press(.character("c"))
        harness.type("1")
        harness.press(.enter)
        #expect(harness.lines[0].contains("save: 1 pending"))
        harness.receive(.ack(.init(op: harness.state.edits[0].op, cell: "A1", version: tv(20))))
        #expect(harness.lines[0].contains("save: 1 acked (Redis)"))
        harness.receive(.durable(.init(version: tv(20))))
        #expect(harness.lines[0].contains("save: durable (MySQL)"))
    }

    @Test func statusBarSaysWhenReconnecting() {
        var harness = TUIHarness()
        harness.status(.waiting(server: "ws://127.0.0.1:18182/ws", retryAt: 2_200, reason: "lost"))
        #expect(harness.lines[0].contains("127.0.0.1:18182 RECONNECTING in 1.2 s"))
    }

    @Test func cellLineShowsTheFullValueAuthorAndTime() {
        let harness = TUIHarness(cells: ["A1": "a value longer than its column"])
        let line = harness.lines[1]
        #expect(line.hasPrefix(" A1  a value longer than its column"))
        #expect(line.hasSuffix(" by bob at 2023-11-14 22:13:20 "))
    }

    @Test func historyPanelShowsWhoWhenWhichCellAndBothValues() {
        var harness = TUIHarness(size: TerminalSize(rows: 30, columns: 100))
        harness.receive(.event(GridEvent(id: tv(11), kind: .set, cell: "B1", value: "new", old: "old", user: "bob", at: 3_723_000)))
        harness.receive(.event(GridEvent(id: tv(12), kind: .conflict, cell: "B1", value: "lost", user: "carol", at: 3_724_000, winner: CellState(value: "new", version: tv(11), user: "bob", at: 0))))
        harness.receive(.event(GridEvent(id: tv(13), kind: .sessionOpen, user: "dave", server: "t2", at: 3_725_000)))
        let lines = harness.lines
        #expect(lines.contains { $0.contains("│ History (3) ") })
        #expect(lines.contains { $0.hasSuffix("│01:02:03 bob B1 \"old\" → \"new\"      ") })
        #expect(lines.contains { $0.hasSuffix("│01:02:04 carol B1 CONFLICT: \"lost\"…") })
        #expect(lines.contains { $0.contains("│01:02:05 dave joined via t2") })
    }

    @Test func bannerSaysWhatFailedAndWhatHappensNext() {
        var harness = TUIHarness()
        harness.receive(.error(.init(code: .redisUnavailable, message: "Redis is unreachable at redis://127.0.0.1:16379/0 (Connection refused); your unsaved edits are kept")))
        harness.status(.waiting(server: TUIHarness.server, retryAt: 1_400, reason: "redis_unavailable"))
        let buffer = render(harness)
        let lines = buffer.lines
        #expect(lines[1].hasPrefix(" ✖ REDIS DOWN: Redis is unreachable at redis://127.0.0.1:16379/0"))
        #expect(harness.model.failure?.message.hasSuffix("Your 0 unsaved edits are kept and will be resent after reconnecting.") == true)
        #expect(lines.contains { $0.hasPrefix("   Reconnecting: next try ws://127.0.0.1:18181/ws in 0.4 s") })
        #expect(buffer[1, 0].style.background == .red)
        // The grid moves down under the banner and still fits.
        #expect(lines.contains { $0.hasPrefix("        A         B") })
        #expect(lines.count == 24 && lines.allSatisfy { DisplayWidth.of($0) == 80 })
        harness.status(.connecting(server: TUIHarness.server))
        harness.status(.connected(server: TUIHarness.server))
        #expect(!harness.lines.contains { $0.contains("REDIS DOWN") })
        #expect(harness.lines[2].hasPrefix("        A         B"))
    }

    @Test func bannerWithoutColoursIsReverseVideo() {
        var harness = TUIHarness(colors: false)
        harness.status(.waiting(server: TUIHarness.server, retryAt: 1_400, reason: "cannot reach the server"))
        let buffer = render(harness)
        #expect(buffer.lines[1].hasPrefix(" ✖ SERVER LOST: Lost the connection to the server: cannot reach the server."))
        #expect(buffer[1, 2].style.reverse && buffer[1, 2].style.bold)
    }

    // MARK: Safety

    @Test func escapeSequencesInOthersTextAreMadeHarmless() {
        let osc52 = "\u{1b}]52;c;aGVsbG8=\u{7}"
        let clear = "\u{1b}[2J"
        let mallory = UserPresence(session: "s-m", user: "mal\u{1b}[31mlory", server: "t\u{9b}2", cursor: "A2", editing: "A2", at: 0)
        var harness = TUIHarness(cells: ["A1": osc52, "A2": clear, "B1": "\u{7f}\u{85}\u{202e}x"], others: [mallory])
        harness.receive(.event(GridEvent(id: tv(11), kind: .set, cell: "A1", value: osc52, old: clear, user: "mal\u{1b}lory", at: 0)))
        harness.receive(.error(.init(code: "weird", message: "bad \u{1b}[5m news")))
        var buffers = [render(harness)]
        harness.press([.tab, .tab, .up])
        buffers.append(render(harness))
        harness.press(.escape)
        harness.press(.enter)
        buffers.append(render(harness))
        for buffer in buffers {
            #expect(allControlFree(buffer))
            for line in buffer.lines {
                #expect(!line.contains("\u{1b}"))
                #expect(!line.contains("\u{7}"))
                #expect(!line.unicodeScalars.contains { $0.value == 0x9B || $0.value == 0x202E })
            }
        }
        #expect(buffers[0].lines[1].hasPrefix(" A1  ^[]52;c;aGVsbG8=^G"))
        #expect(buffers[0].lines.contains { $0.contains("mal^[[31mlory") })
    }

    // MARK: Terminal and sizes

    @Test func memoryTerminalShowsWhatWasDrawn() {
        let terminal = MemoryTerminal(size: TerminalSize(rows: 24, columns: 80))
        let harness = TUIHarness(cells: ["A1": "hello"])
        terminal.draw(Renderer.render(harness.model, size: terminal.size))
        #expect(terminal.lines == harness.lines)
        #expect(terminal.lines[3].hasPrefix("  1 hello"))
        terminal.bell()
        #expect(terminal.bellCount == 1)
        terminal.press(Key.typing("ab"))
        #expect(terminal.nextKey(timeout: 0) == .character("a"))
        terminal.resize(to: TerminalSize(rows: 30, columns: 100))
        #expect(terminal.nextKey(timeout: 0) == .character("b"))
        #expect(terminal.nextKey(timeout: 0) == .resize)
        #expect(terminal.nextKey(timeout: 0) == nil)
        terminal.restore()
        #expect(terminal.isRestored)
    }

    @Test func resizingRelaysOutTheScreen() {
        var harness = TUIHarness(cells: ["A1": "x"])
        for size in [TerminalSize(rows: 30, columns: 100), TerminalSize(rows: 24, columns: 80), TerminalSize(rows: 10, columns: 40), TerminalSize(rows: 50, columns: 200)] {
            harness.model.resize(to: size)
            let lines = harness.lines
            #expect(lines.count == size.rows)
            #expect(lines.allSatisfy { DisplayWidth.of($0) == size.columns })
            #expect(lines[0].hasPrefix(" alice@g"))
        }
    }

    @Test func cursorStaysVisibleAfterShrinking() {
        var harness = TUIHarness(size: TerminalSize(rows: 30, columns: 100))
        for _ in 0..<25 { harness.press(.down) }
        harness.model.resize(to: TerminalSize(rows: 12, columns: 80))
        let geometry = harness.model.gridGeometry
        #expect(harness.model.cursor.row < harness.model.origin.row + geometry.dataRows)
        #expect(harness.lines.contains { $0.hasPrefix(" 26 ") })
    }

    @Test func tinyTerminalsSaySo() {
        var harness = TUIHarness()
        harness.model.resize(to: TerminalSize(rows: 5, columns: 20))
        #expect(harness.lines[0].hasPrefix("Terminal too small"))
    }

    @Test func editorLineShowsTheTextAndCaret() {
        var harness = TUIHarness()
        harness.press(.character("i"))
        harness.type("héllo 世界")
        harness.press(.left)
        let buffer = render(harness)
        #expect(buffer.lines[23].hasPrefix(" EDIT  A1: héllo 世界"))
        // " EDIT " and " A1: " take 11 columns, "héllo 世" 8 more.
        #expect(buffer.cursor == ScreenBuffer.Position(row: 23, column: 19))
    }

    @Test func editorScrollsLongTextToKeepTheCaretVisible() {
        var harness = TUIHarness()
        harness.press(.character("i"))
        harness.type(String(repeating: "0123456789", count: 12))
        let buffer = render(harness)
        let caret = try! #require(buffer.cursor)
        #expect(caret.column < 80)
        #expect(buffer.lines[23].contains("789"))
    }
}
