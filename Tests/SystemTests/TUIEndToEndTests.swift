import Foundation
import Testing

/// Two real `grid-tui` processes in tmux against two real grid-servers, driven only by
/// send-keys and read only by capture-pane.
@Suite(.serialized)
struct TUIEndToEndTests {
    struct Setup {
        let directory: URL
        let grid: String
        let serverA: ServerProcess
        let serverB: ServerProcess
        let alice: TmuxSession
        let bob: TmuxSession

        static func start(_ name: String) async throws -> Setup {
            let directory = SystemHarness.temporaryDirectory(name)
            let grid = "\(name)-\(UUID().uuidString.prefix(6).lowercased())"
            let serverA = try ServerProcess(id: "ta-\(UUID().uuidString.prefix(4))", directory: directory)
            let serverB = try ServerProcess(id: "tb-\(UUID().uuidString.prefix(4))", directory: directory)
            try await serverA.waitUntilListening()
            try await serverB.waitUntilListening()
            let tui = SystemHarness.binDirectory.appendingPathComponent("grid-tui").path
            let alice = try await TmuxSession.start(
                command: "\(tui) --server \(serverA.url) --server \(serverB.url) --user alice --grid \(grid)",
                environment: ["GRID_TOKEN": TestTokens.make(user: "alice", grid: grid)]
            )
            let bob = try await TmuxSession.start(
                command: "\(tui) --server \(serverB.url) --user bob --grid \(grid)", environment: ["GRID_TOKEN": TestTokens.make(user: "bob", grid: grid)]
            )
            try await alice.waitFor("CONNECTED")
            try await bob.waitFor("CONNECTED")
            return Setup(directory: directory, grid: grid, serverA: serverA, serverB: serverB, alice: alice, bob: bob)
        }

        /// Synchronous, for `defer`: nothing of one test may outlive it.
        func kill() {
            alice.killNow()
            bob.killNow()
            serverA.kill()
            serverB.kill()
        }
    }

    static func goTo(_ cell: String, on session: TmuxSession) async throws {
        try await session.send("g")
        try await session.type(cell)
        try await session.send("Enter")
    }

    /// Goes to `cell` and types `text` as its new value (`c`), or as a formula when it starts with `=`.
    static func enter(_ text: String, in cell: String, on session: TmuxSession) async throws {
        try await goTo(cell, on: session)
        try await session.send(text.hasPrefix("=") ? "=" : "c")
        try await session.type(text.hasPrefix("=") ? String(text.dropFirst()) : text)
        try await session.send("Enter")
    }

    @Test func aValueTypedInOneAppearsInTheOtherAndTheUsersPanelListsBoth() async throws {
        let setup = try await Setup.start("tui-live")
        defer { setup.kill() }
        try await Self.enter("typed by alice", in: "C3", on: setup.alice)
        try await setup.bob.waitFor("typed by")
        try await Self.goTo("C3", on: setup.bob)
        try await setup.bob.waitFor("C3  typed by alice")
        for session in [setup.alice, setup.bob] {
            try await session.waitFor("Users online (2)")
            let screen = try await session.capture()
            #expect(screen.contains("alice") && screen.contains("bob"), "\(screen)")
            #expect(screen.contains("@\(setup.serverA.id)") && screen.contains("@\(setup.serverB.id)"), "\(screen)")
        }
        // Closing the terminal window ends the client: none may linger on a dead terminal.
        await setup.alice.kill()
        await setup.bob.kill()
        let gone = try await SystemHarness.eventually(timeout: .seconds(10)) {
            try await SystemHarness.run(["/usr/bin/pgrep", "-f", "grid-tui .*--grid \(setup.grid)"]) != 0
        }
        #expect(gone, "grid-tui exits when its terminal goes away")
    }

    @Test func aConflictIsHighlightedOnBothScreensAndTheLoserGetsTheDialog() async throws {
        let setup = try await Setup.start("tui-conflict")
        defer { setup.kill() }
        for session in [setup.alice, setup.bob] { try await Self.goTo("B2", on: session) }
        // Both start editing B2 from the same version; alice is warned that bob is editing it,
        // goes ahead, and commits first.
        try await setup.bob.send("c")
        try await setup.bob.waitFor(" EDIT ")
        try await setup.alice.waitFor("✎ editing B2")
        try await setup.alice.send("c")
        try await setup.alice.waitFor("bob is editing B2. Edit anyway? (y/n)")
        try await setup.alice.send("y")
        try await setup.alice.type("alice wins")
        try await setup.bob.type("bob loses")
        try await setup.alice.send("Enter")
        try await setup.bob.waitFor("changed by alice meanwhile")
        try await setup.bob.send("Enter")
        try await setup.bob.waitFor("CONFLICT on B2")
        let dialog = try await setup.bob.capture()
        #expect(dialog.contains("theirs: \"alice wins\"") && dialog.contains("mine:   \"bob loses\""), "\(dialog)")
        #expect(dialog.contains("t keep theirs"), "\(dialog)")
        try await setup.alice.waitFor("CONTESTED")
        try await setup.bob.send("Escape")
        try await setup.bob.waitFor("CONTESTED")
        #expect(!(try await setup.alice.capture()).contains("CONFLICT on B2"), "the winner gets no dialog")
    }

    @Test func killingAClientsServerShowsTheBannerThenItReconnectsAndItsPendingEditArrives() async throws {
        let setup = try await Setup.start("tui-failover")
        defer { setup.kill() }
        // With the other server frozen, alice stays disconnected long enough to edit offline.
        setup.serverB.pause()
        setup.serverA.kill()
        try await setup.alice.waitFor("SERVER LOST")
        try await setup.alice.waitFor("Reconnecting:")
        try await Self.enter("made while lost", in: "D4", on: setup.alice)
        try await setup.alice.waitFor("save: 1 pending")
        setup.serverB.resume()
        try await setup.alice.waitFor("server \(setup.serverB.id)", timeout: .seconds(30))
        try await setup.bob.waitFor("made whil", timeout: .seconds(30))
        let screen = try await setup.alice.capture()
        #expect(!screen.contains("SERVER LOST"), "the banner clears once connected: \(screen)")
    }

    @Test func aQuickFailoverLeavesANoticeNamingBothServersAndTheResentEdit() async throws {
        let setup = try await Setup.start("tui-quick-failover")
        defer { setup.kill() }
        // Frozen, server A takes alice's edit but never answers it; killed, it is gone at once,
        // and alice moves to B within a fraction of a second.
        setup.serverA.pause()
        try await Self.enter("resent after failover", in: "E5", on: setup.alice)
        try await setup.alice.waitFor("save: 1 pending")
        setup.serverA.kill()
        let shown = try await SystemHarness.eventually(timeout: .seconds(2)) {
            let screen = try await setup.alice.capture()
            return screen.contains("SERVER LOST") || screen.contains("FAILED OVER")
        }
        #expect(shown, "the loss shows on screen within moments of the kill")
        try await setup.alice.waitFor("FAILED OVER", timeout: .seconds(10))
        try await setup.bob.waitFor("resent af", timeout: .seconds(10))
        let portA = setup.serverA.url.split(separator: ":").last.map { $0.prefix { $0.isNumber } } ?? ""
        let portB = setup.serverB.url.split(separator: ":").last.map { $0.prefix { $0.isNumber } } ?? ""
        let done = try await setup.alice.capture()
        #expect(done.contains("FAILED OVER: lost 127.0.0.1:\(portA); moved to \(setup.serverB.id) 127.0.0.1:\(portB)"), "\(done)")
        #expect(done.contains("1 unsaved edit resent"), "\(done)")
        // It stays long enough to read, then clears by itself.
        try await Task.sleep(for: .seconds(3))
        #expect(try await setup.alice.capture().contains("FAILED OVER"), "the notice stays for a few seconds")
        let cleared = try await SystemHarness.eventually(timeout: .seconds(10)) { !(try await setup.alice.capture()).contains("FAILED OVER") }
        #expect(cleared, "the notice clears by itself")
    }
}
