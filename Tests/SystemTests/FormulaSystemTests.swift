import Foundation
import Testing

/// Formulas across terminals: two real `grid-tui` in tmux on two servers, and headless clients
/// on both servers that must compute the same values.
@Suite(.serialized)
struct FormulaSystemTests {
    @Test func aTotalTypedOnOneScreenFollowsAnEditMadeOnTheOther() async throws {
        let setup = try await TUIEndToEndTests.Setup.start("tui-formula")
        defer { setup.kill() }
        // Alice fills A1:A3 and types the total into A4; bob, on the other server, changes A2.
        for (cell, value) in [("A1", "10"), ("A2", "20"), ("A3", "30"), ("A4", "=SUM(A1:A3)")] {
            try await TUIEndToEndTests.enter(value, in: cell, on: setup.alice)
        }
        try await setup.alice.waitFor("=SUM(A1:A3) → 60")
        try await setup.bob.waitFor(" 60 ")
        try await TUIEndToEndTests.enter("25", in: "A2", on: setup.bob)
        try await TUIEndToEndTests.goTo("A4", on: setup.bob)
        try await setup.bob.waitFor("=SUM(A1:A3) → 65")
        try await setup.alice.waitFor("=SUM(A1:A3) → 65")
        for session in [setup.alice, setup.bob] {
            let screen = try await session.capture()
            #expect(screen.contains("  4        65 "), "the grid shows the new total, right-aligned: \(screen)")
        }

        var dumps: [[String: String]] = []
        for server in [setup.serverA, setup.serverB] {
            let reader = try HeadlessClient(user: "reader", grid: setup.grid, servers: [server.url], directory: setup.directory.appendingPathComponent(server.id, isDirectory: true).creatingDirectory())
            reader.send("sync\nwait A4 65\ndump\nquit\n")
            try await reader.finish()
            #expect(reader.exitCode == 0, "\(reader.stderr)")
            let dump = try #require(reader.objects.last { $0["values"] != nil })
            let values = try #require(dump["values"] as? [String: String])
            #expect((dump["cells"] as? [String: String])?["A4"] == "=SUM(A1:A3)", "the server stores the text typed")
            dumps.append(values)
        }
        #expect(dumps.count == 2 && dumps[0] == dumps[1], "both servers' clients compute the same values: \(dumps)")
        #expect(dumps.first?["A4"] == "65")
    }
}
