import Foundation
import MySQLClient
import Testing

/// A client that stops reading is dropped once its outbound queue is full; the others get
/// everything and the server stays up with bounded memory.
@Suite(.serialized)
struct SlowClientSystemTests {
    @Test func aClientThatStopsReadingIsDroppedAndTheOthersGetEverything() async throws {
        let directory = SystemHarness.temporaryDirectory("slow")
        let grid = "slow-\(UUID().uuidString.prefix(8).lowercased())"
        // The stalled client is alone on server A, whose bound is small; the others work on B.
        let serverA = try ServerProcess(
            id: "slowA-\(UUID().uuidString.prefix(4))", directory: directory,
            extraArguments: ["--max-queued-frames", "64", "--max-queued-bytes", "65536"]
        )
        let serverB = try ServerProcess(id: "slowB-\(UUID().uuidString.prefix(4))", directory: directory)
        defer {
            serverA.kill()
            serverB.kill()
        }
        try await serverA.waitUntilListening()
        try await serverB.waitUntilListening()

        let stalled = try StalledWebSocket(port: serverA.port, user: "slowpoke", grid: grid)
        let mysql = try SystemHarness.mysqlClient()
        defer { Task { await mysql.shutdown() } }
        func slowSession() async throws -> MySQLRow? {
            try await mysql.query("SELECT status, error FROM sessions WHERE grid = ? AND user_name = 'slowpoke'", [.text(grid)]).first
        }
        #expect(try await SystemHarness.eventually { try await slowSession()?["status"].string == "open" }, "the stalled client never logged in")

        // Heavy editing: 300 values of 30 KB (9 MB) to every session, past the bound and what
        // the kernel's socket buffers absorb. The writer waits for its answers every 25 edits.
        let writer = try HeadlessClient(user: "writer", grid: grid, servers: [serverB.url], directory: directory)
        let reader = try HeadlessClient(user: "reader", grid: grid, servers: [serverB.url], directory: directory)
        let filler = String(repeating: "x", count: 30_000)
        var script = ""
        var checks = "sync 60000\n"
        for index in 0..<300 {
            script += "set B\(index + 1) \(index) \(filler)\n"
            if index % 25 == 24 { script += "sync 30000\n" }
            checks += "expect B\(index + 1) \(index) \(filler)\n"
        }
        writer.send(script + "sync 60000\necho written\n")
        try await writer.waitFor("written", timeout: .seconds(120))

        let dropped = try await SystemHarness.eventually(timeout: .seconds(60)) {
            try await slowSession()?["status"].string == "error"
        }
        let row = try await slowSession()
        #expect(dropped, "the stalled session is still \(row?["status"].string ?? "missing")")
        #expect(row?["error"].string == "outbound queue overflow (client too slow)")

        // Everyone else has every value (expect exits non-zero naming the first cell that differs),
        // and the server that dropped the client still serves.
        for client in [reader, writer] {
            client.send(checks + "echo verified\n")
            try await client.waitFor("verified", timeout: .seconds(120))
        }
        #expect(try serverA.healthz()["ok"] as? Bool == true)
        // What the stalled client did not read never piled up in the server.
        let rss = try String(contentsOfFile: "/proc/\(serverA.pid)/status", encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first }.flatMap { Int($0) } ?? 0
        #expect(rss > 0 && rss < 300 * 1024, "server A RSS \(rss) KiB")
        for client in [reader, writer] {
            client.send("quit\n")
            try await client.finish()
            #expect(client.exitCode == 0, "\(client.user): \(client.stderr)")
        }
        withExtendedLifetime(stalled) {}
    }
}
