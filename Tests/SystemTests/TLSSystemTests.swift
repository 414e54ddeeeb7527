import Foundation
import Testing

/// wss:// end to end: a grid-server with a certificate from a throwaway CA, the full-screen TUI
/// and a headless client trusting that CA through --ca, and the clear failures around it.
@Suite(.serialized)
struct TLSSystemTests {
    @Test func theTUIAndHeadlessConnectOverWSSAndPlainOrUntrustedConnectionsFailClearly() async throws {
        let directory = SystemHarness.temporaryDirectory("tls")
        let certificates = try await TestCertificates.make(in: directory)
        let grid = "tls-\(UUID().uuidString.prefix(6).lowercased())"
        let server = try ServerProcess(
            id: "tl-\(UUID().uuidString.prefix(4))", directory: directory,
            extraArguments: ["--tls-cert", certificates.certificateFile.path, "--tls-key", certificates.keyFile.path]
        )
        defer { server.kill() }
        try await server.waitUntilListening()
        #expect(server.url.hasPrefix("wss://"))

        let tui = SystemHarness.binDirectory.appendingPathComponent("grid-tui").path
        let alice = try await TmuxSession.start(
            command: "\(tui) --server \(server.url) --ca \(certificates.caFile.path) --user alice --grid \(grid)",
            environment: ["GRID_TOKEN": TestTokens.make(user: "alice", grid: grid)]
        )
        defer { alice.killNow() }
        try await alice.waitFor("CONNECTED")

        let bob = try HeadlessClient(
            user: "bob", grid: grid, servers: [server.url], directory: directory, extraArguments: ["--ca", certificates.caFile.path]
        )
        bob.send("set B2 over tls\nsync 10000\necho sent\n")
        try await bob.waitFor("sent")
        try await alice.waitFor("over tls")
        #expect(bob.objects.contains { $0["type"] as? String == "ack" })
        bob.send("quit\n")
        try await bob.finish()
        #expect(bob.exitCode == 0, "\(bob.stderr)")

        // Plain ws:// to the TLS port: no session, and the reason says to use wss://.
        let plainURL = server.url.replacingOccurrences(of: "wss://", with: "ws://")
        let plain = try HeadlessClient(user: "carl", grid: grid, servers: [plainURL], directory: directory)
        let plainWaiting = try await Self.firstWaitingReason(of: plain)
        #expect(plainWaiting.contains("cannot reach \(plainURL)"), "\(plainWaiting)")
        #expect(plainWaiting.contains("if the server uses TLS, connect with wss:// instead of ws://"), "\(plainWaiting)")
        #expect(!plain.objects.contains { $0["type"] as? String == "welcome" })
        await Self.stop(plain)

        // wss:// without the CA: the system store does not trust the test CA, and the reason says --ca.
        let untrusted = try HeadlessClient(user: "dan", grid: grid, servers: [server.url], directory: directory)
        let untrustedWaiting = try await Self.firstWaitingReason(of: untrusted)
        #expect(untrustedWaiting.contains("pass --ca"), "\(untrustedWaiting)")
        #expect(!untrusted.objects.contains { $0["type"] as? String == "welcome" })
        await Self.stop(untrusted)

        // An IP address can't be checked against the certificate by this client: refused up front, saying why.
        let byAddress = server.url.replacingOccurrences(of: "localhost", with: "127.0.0.1")
        let output = directory.appendingPathComponent("by-address.out").path
        let status = try await SystemHarness.run(
            ["/bin/bash", "-c", "exec \"$0\" \"$@\" 2>&1", tui, "--headless", "--server", byAddress, "--ca", certificates.caFile.path, "--user", "eve", "--grid", grid],
            output: output
        )
        let said = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        #expect(status != 0)
        #expect(said.contains("wss:// needs the server's host name, not the IP address 127.0.0.1"), "\(said)")

        // The server is unharmed by all of these.
        try await Self.goTo("B2", on: alice)
        try await alice.waitFor("B2  over tls")
        #expect(server.isRunning)
    }

    static func firstWaitingReason(of client: HeadlessClient) async throws -> String {
        var reason: String?
        _ = try await SystemHarness.eventually(timeout: .seconds(30)) {
            reason = client.objects.first { $0["type"] as? String == "status" && $0["state"] as? String == "waiting" }?["reason"] as? String
            return reason != nil
        }
        return try #require(reason, "\(client.user) never reported a failed attempt: \(client.output.suffix(5)) \(client.stderr)")
    }

    static func stop(_ client: HeadlessClient) async {
        await client.terminate()
    }

    static func goTo(_ cell: String, on session: TmuxSession) async throws {
        try await session.send("g")
        try await session.type(cell)
        try await session.send("Enter")
    }
}
