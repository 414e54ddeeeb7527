import Foundation
import Testing

/// Ranges in two real `grid-tui`s in tmux, on two servers: a terminal paste, a sort and their
/// undo, each seen by the other user at once as one history entry; and two overlapping pastes
/// at the same moment, of which exactly one lands, whole.
@Suite(.serialized)
struct TUIRangeSystemTests {
    typealias Setup = TUIEndToEndTests.Setup

    /// Pastes text into the session as a terminal does (bracketed paste, which grid-tui asks for).
    static func paste(_ text: String, into session: TmuxSession) async throws {
        let buffer = "cg-\(UUID().uuidString.prefix(8))"
        try await TmuxSession.tmux(["set-buffer", "-b", buffer, text])
        try await TmuxSession.tmux(["paste-buffer", "-p", "-d", "-b", buffer, "-t", session.name])
    }

    /// The cell bar's text for `cell` on `session`, after going there.
    static func shown(_ cell: String, on session: TmuxSession, expect text: String) async throws {
        try await TUIEndToEndTests.goTo(cell, on: session)
        try await session.waitFor("\(cell)  \(text)")
    }

    @Test func aPasteAndASortAppearAtOnceForTheOtherAsOneHistoryEntryEachAndUndoTakesThemBack() async throws {
        let setup = try await Setup.start("tui-range")
        defer { setup.kill() }
        try await TUIEndToEndTests.goTo("B2", on: setup.alice)
        try await Self.paste("pear\t3\napple\t1\nfig\t2", into: setup.alice)
        try await setup.alice.waitFor("Paste: 6 cells in B2:C4, as one edit")
        try await setup.bob.waitFor("alice pasted 6 cells in B2:C4")
        try await Self.shown("B3", on: setup.bob, expect: "apple")

        // alice sorts the pasted rows by the numbers in C, descending.
        try await TUIEndToEndTests.goTo("B2", on: setup.alice)
        try await setup.alice.send("v", "Down", "Down", "Right")
        try await setup.alice.waitFor("B2:C4")
        try await setup.alice.send(":")
        try await setup.alice.type("sort C desc")
        try await setup.alice.send("Enter")
        try await setup.bob.waitFor("alice sorted 6 cells in B2:C4")
        try await Self.shown("B2", on: setup.bob, expect: "pear")
        try await Self.shown("B3", on: setup.bob, expect: "fig")
        try await Self.shown("B4", on: setup.bob, expect: "apple")
        let history = try await setup.bob.capture()
        #expect(!history.contains("alice set"), "no single-cell entries for the paste or the sort: \(history)")

        // Two undos: the sort, then the paste; each is one edit.
        try await setup.alice.send("u")
        try await setup.bob.waitFor("alice undid 6 cells in B2:C4")
        try await Self.shown("B2", on: setup.bob, expect: "pear")
        try await Self.shown("B3", on: setup.bob, expect: "apple")
        try await setup.alice.send("u")
        try await setup.alice.waitFor("Undo: the paste of 6 cells in B2:C4 taken back")
        // bob's cursor is on B3: with both undone, none of the pasted values is on his screen.
        let cleared = try await SystemHarness.eventually(timeout: .seconds(10)) {
            let screen = try await setup.bob.capture()
            return screen.components(separatedBy: "undid 6 cells in B2:C4").count == 3
                && !["pear", "apple", "fig"].contains(where: screen.contains)
        }
        let screen = try await setup.bob.capture()
        #expect(cleared, "bob sees both undos and the paste gone: \(screen)")
    }

    @Test func twoOverlappingPastesAtTheSameMomentExactlyOneWinsWhole() async throws {
        let setup = try await Setup.start("tui-range-race")
        defer { setup.kill() }
        try await TUIEndToEndTests.goTo("B2", on: setup.alice)
        try await TUIEndToEndTests.goTo("C3", on: setup.bob)
        // Both servers frozen: both pastes leave their clients against the same, empty grid, and
        // meet in the sequencer once the servers go on.
        setup.serverA.pause()
        setup.serverB.pause()
        try await Self.paste("a1\ta2\na3\ta4", into: setup.alice)
        try await Self.paste("b1\tb2\nb3\tb4", into: setup.bob)
        try await setup.alice.waitFor("save: 1 pending")
        try await setup.bob.waitFor("save: 1 pending")
        setup.serverA.resume()
        setup.serverB.resume()

        let watcher = try HeadlessClient(user: "carol", grid: setup.grid, servers: [setup.serverA.url], directory: setup.directory)
        watcher.send("sync 30000\nsettle 30000\ndump\necho done\n")
        try await watcher.waitFor("done")
        let cells = try #require(watcher.objects.compactMap { $0["cells"] as? [String: String] }.last)
        let alices = ["B2": "a1", "C2": "a2", "B3": "a3", "C3": "a4"]
        let bobs = ["C3": "b1", "D3": "b2", "C4": "b3", "D4": "b4"]
        #expect(cells == alices || cells == bobs, "exactly one paste, whole: \(cells)")
        let loser = cells == alices ? setup.bob : setup.alice
        try await loser.waitFor("CONFLICT on")
        let dialog = try await loser.capture()
        #expect(dialog.contains("paste of 4 cells in") && dialog.contains("lost: nothing of it was written"), "\(dialog)")
        #expect(dialog.contains("C3: theirs"), "the overlapping cell is named with its winner: \(dialog)")
        watcher.send("quit\n")
        try await watcher.finish()
    }
}
