import Foundation
import TestSupport
import Testing

/// `scripts/demo` brings up two servers and a tmux session with two grid-tui panes and a bot;
/// `scripts/demo stop` removes everything it started.
@Suite(.serialized)
struct DemoTests {
    @Test func theDemoShowsTheBotsEditsInATUIAndStopRemovesWhatItStarted() async throws {
        let session = "cgdemo-\(UUID().uuidString.prefix(6))"
        let demo = SystemHarness.repositoryRoot().appendingPathComponent("scripts/demo").path
        let environment = [
            "DEMO_BIN": SystemHarness.binDirectory.path, "DEMO_TMUX_SESSION": session,
            "DEMO_PORT_A": String(SystemHarness.freePort()), "DEMO_PORT_B": String(SystemHarness.freePort()),
            "DEMO_GRID": "demo-\(UUID().uuidString.prefix(6).lowercased())", "TZ": "UTC",
        ]
        let started = try await SystemHarness.run(["/bin/bash", demo], extraEnvironment: environment)
        var stopped = false
        defer { if !stopped { ServiceScripts.runBlocking(["/bin/bash", demo, "stop"], extraEnvironment: environment) } }
        #expect(started == 0)
        let panes = try await TmuxSession.tmux(["list-panes", "-t", session])
        #expect(panes.split(separator: "\n").count == 3, "two TUIs and the bot: \(panes)")
        let alice = TmuxSession(existing: "\(session):0.0")
        let bob = TmuxSession(existing: "\(session):0.1")
        try await alice.waitFor("alice@")
        try await bob.waitFor("bob@")
        try await alice.waitFor("bot says", timeout: .seconds(30))
        try await alice.waitFor("Users online (3)", timeout: .seconds(30))

        #expect(try await SystemHarness.run(["/bin/bash", demo, "stop"], extraEnvironment: environment) == 0)
        stopped = true
        await #expect(throws: (any Error).self) { try await TmuxSession.tmux(["has-session", "-t", session]) }
        let pids = try FileManager.default.contentsOfDirectory(atPath: SystemHarness.stateDirectory.appendingPathComponent("demo").path)
            .filter { $0.hasSuffix(".pid") }
        #expect(pids.isEmpty, "no demo server left: \(pids)")
        let status = try await SystemHarness.run(["/bin/bash", SystemHarness.repositoryRoot().appendingPathComponent("scripts/services").path, "status"], output: NSTemporaryDirectory() + "status.out")
        #expect(status == 0)
        let services = (try? String(contentsOfFile: NSTemporaryDirectory() + "status.out", encoding: .utf8)) ?? ""
        #expect(services.contains("redis: running") && services.contains("mysql: running"), "services the demo did not start stay up: \(services)")
    }
}
