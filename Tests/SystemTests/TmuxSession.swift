import Foundation
import TestSupport

/// A real terminal for end-to-end tests: a detached tmux session running one command, driven
/// only by send-keys and read only by capture-pane, as a person would use it.
final class TmuxSession: Sendable {
    let name: String

    private init(name: String) {
        self.name = name
    }

    /// A pane some other program started, addressed as `session:window.pane`.
    init(existing target: String) {
        self.name = target
    }

    static func start(command: String, width: Int = 120, height: Int = 36, environment: [String: String] = [:]) async throws -> TmuxSession {
        let session = TmuxSession(name: "cgtest-\(UUID().uuidString.prefix(8))")
        let exports = (["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"].merging(environment) { $1 })
            .map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
        try await tmux(["new-session", "-d", "-s", session.name, "-x", String(width), "-y", String(height), "env \(exports) \(command)"])
        return session
    }

    /// Sends tmux key names ("Enter", "Escape", "C-c").
    func send(_ keys: String...) async throws {
        try await Self.tmux(["send-keys", "-t", name] + keys)
    }

    /// Types literal text.
    func type(_ text: String) async throws {
        try await Self.tmux(["send-keys", "-t", name, "-l", text])
    }

    /// The visible screen; with `colours` the SGR codes are kept.
    func capture(colours: Bool = false) async throws -> String {
        try await Self.tmux(["capture-pane", "-p", "-t", name] + (colours ? ["-e"] : []))
    }

    func waitFor(_ text: String, timeout: Duration = .seconds(20)) async throws {
        let seen = try await SystemHarness.eventually(timeout: timeout) { (try? await self.capture())?.contains(text) ?? false }
        if !seen {
            throw HarnessError(message: "screen of \(name) never showed \(text.debugDescription); it shows:\n\((try? await capture()) ?? "")")
        }
    }

    func kill() async {
        _ = try? await Self.tmux(["kill-session", "-t", name])
    }

    /// The same, blocking: for `defer`.
    func killNow() {
        ServiceScripts.runBlocking(["/usr/bin/tmux", "kill-session", "-t", name])
    }

    @discardableResult
    static func tmux(_ arguments: [String]) async throws -> String {
        let file = NSTemporaryDirectory() + "tmux-\(UUID().uuidString).out"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let status = try await SystemHarness.run(["/usr/bin/tmux"] + arguments, output: file)
        guard status == 0 else {
            throw HarnessError(message: "tmux \(arguments.prefix(3).joined(separator: " ")) failed (\(status))")
        }
        return (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
    }
}
