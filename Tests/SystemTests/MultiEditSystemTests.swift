import Foundation
import MySQLClient
import Testing

/// Multi-cell edits through real servers: a paste on one server appears whole on another, as one
/// history entry, is stored cell by cell in MySQL, and an old client is told to upgrade.
@Suite(.serialized)
struct MultiEditSystemTests {
    @Test func aPasteOnOneServerAppearsWholeOnTheOtherAsOneHistoryEntryAndIsStored() async throws {
        let directory = SystemHarness.temporaryDirectory("multi")
        let grid = "multi-\(UUID().uuidString.prefix(8).lowercased())"
        let serverA = try ServerProcess(id: "mulA-\(UUID().uuidString.prefix(4))", directory: directory)
        let serverB = try ServerProcess(id: "mulB-\(UUID().uuidString.prefix(4))", directory: directory)
        defer {
            serverA.kill()
            serverB.kill()
        }
        try await serverA.waitUntilListening()
        try await serverB.waitUntilListening()

        let ann = try HeadlessClient(user: "ann", grid: grid, servers: [serverA.url], directory: directory)
        let ben = try HeadlessClient(user: "ben", grid: grid, servers: [serverB.url], directory: directory)
        // 30 rows × 4 columns from B2 (B2:E31); one value holds a tab-free comma, one is empty.
        let rows = (0..<30).map { row in (0..<4).map { column in row == 3 && column == 1 ? "" : "r\(row)c\(column), ok" } }
        let block = rows.map { $0.joined(separator: "\\t") }.joined(separator: "\\n")
        ben.send("sync 30000\necho ready\n")
        try await ben.waitFor("ready")
        ann.send("sync 30000\npaste B2 \(block)\nsync 30000\necho pasted\n")
        try await ann.waitFor("pasted")
        ben.send("wait E31 r29c3, ok 30000\ndump\nhistory 50\necho seen\n")
        try await ben.waitFor("seen")

        let dump = try #require(ben.objects.compactMap { $0["cells"] as? [String: String] }.last)
        for (row, values) in rows.enumerated() {
            for (column, value) in values.enumerated() {
                let cell = "\(["B", "C", "D", "E"][column])\(row + 2)"
                #expect(dump[cell] == (value.isEmpty ? nil : value), "\(cell)")
            }
        }
        let versions = try #require(ben.objects.compactMap { $0["versions"] as? [String: String] }.last)
        #expect(Set(versions.filter { $0.key != "C5" }.values).count == 1, "every pasted cell has one version")
        let history = ben.objects.filter { $0["kind"] != nil && $0["type"] == nil }
        let pastes = history.filter { $0["kind"] as? String == "multi" }
        #expect(pastes.count == 1, "one history entry for the paste: \(history.map { $0["kind"] ?? "?" })")
        #expect(pastes.first?["count"] as? Int == 120 && pastes.first?["range"] as? String == "B2:E31" && pastes.first?["label"] as? String == "paste")
        #expect(history.filter { $0["kind"] as? String == "set" }.isEmpty)
        let acks = ann.objects.filter { $0["type"] as? String == "ack" }
        #expect(acks.count == 1 && acks.first?["count"] as? Int == 120)

        // Clearing a range is one edit too, and all of it lands.
        ann.send("clear B2:C3\nsync 30000\nsettle 30000\necho cleared\n")
        try await ann.waitFor("cleared")
        ben.send("sync 30000\ndump\necho seen2\n")
        try await ben.waitFor("seen2")
        let after = try #require(ben.objects.compactMap { $0["cells"] as? [String: String] }.last)
        #expect(["B2", "B3", "C2", "C3"].allSatisfy { after[$0] == nil } && after["D2"] == "r0c2, ok")

        for client in [ann, ben] { client.send("quit\n") }
        for client in [ann, ben] {
            try await client.finish()
            #expect(client.exitCode == 0, "\(client.user) exited \(client.exitCode): \(client.stderr)")
        }
        let mysql = try SystemHarness.mysqlClient()
        defer { Task { await mysql.shutdown() } }
        let stored = try await SystemHarness.eventually(timeout: .seconds(30)) {
            let rows = try await mysql.query("SELECT COUNT(*) AS n FROM op_cells WHERE grid = ?", [.text(grid)])
            return rows.first?["n"].int == 124
        }
        #expect(stored, "120 pasted and 4 cleared cells, each stored once")
        let cells = try await mysql.query("SELECT cell, value FROM cells WHERE grid = ? AND value IS NOT NULL", [.text(grid)])
        #expect(Dictionary(uniqueKeysWithValues: cells.map { ($0["cell"].string!, $0["value"].string!) }) == after)
    }

    @Test func aClientThatCannotShowMultiCellEditsIsToldToUpgradeAndAWriteOnlyOneIsNot() async throws {
        let directory = SystemHarness.temporaryDirectory("multi-old")
        let grid = "multi-old-\(UUID().uuidString.prefix(8).lowercased())"
        let server = try ServerProcess(id: "mulO-\(UUID().uuidString.prefix(4))", directory: directory)
        defer { server.kill() }
        try await server.waitUntilListening()

        let old = try await RawWebSocketClient.connect(server.url)
        try await old.send(RawWebSocketClient.helloFrame(user: "old", grid: grid, features: ""))
        try await old.waitFor("upgrade_required") { $0.contains { $0["type"] as? String == "error" } }
        let error = try #require(old.messages(ofType: "error").first)
        #expect(error["code"] as? String == "upgrade_required" && error["fatal"] as? Bool == true)
        #expect((error["message"] as? String)?.contains("multi") == true)
        #expect(old.messages(ofType: "welcome").isEmpty)

        let writer = try await RawWebSocketClient.connect(server.url)
        try await writer.send(RawWebSocketClient.helloFrame(user: "bot", grid: grid, features: #","events":false"#))
        try await writer.waitFor("welcome") { $0.contains { $0["type"] as? String == "welcome" } }
        await old.close()
        await writer.close()
    }
}
