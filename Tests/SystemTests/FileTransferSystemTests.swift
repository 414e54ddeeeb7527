import Foundation
import GridFiles
import MySQLClient
import TestSupport
import Testing

/// `grid-tui import` and `export` against real servers: a file lands whole on another server's
/// screen as one import, comes back out the same, a bad file writes nothing, and a Redis killed
/// in the middle of an import loses and doubles nothing.
@Suite(.serialized)
struct FileTransferSystemTests {
    /// A CSV of `rows` × 5 columns as CollabGrid writes one (CRLF, quoted only when needed).
    static func csv(rows: Int) -> (text: String, cells: [String: String]) {
        var text = ""
        var cells: [String: String] = [:]
        for row in 0..<rows {
            let fields = ["row \(row)", "\(row * 7)", row % 97 == 0 ? "\"quoted, with \"\"quotes\"\"\"" : "plain", "日本 \(row)", row % 50 == 0 ? "" : "x"]
            text += fields.joined(separator: ",") + "\r\n"
            let values = ["row \(row)", "\(row * 7)", row % 97 == 0 ? "quoted, with \"quotes\"" : "plain", "日本 \(row)", row % 50 == 0 ? "" : "x"]
            for (column, value) in values.enumerated() where !value.isEmpty {
                cells["\(["A", "B", "C", "D", "E"][column])\(row + 1)"] = value
            }
        }
        return (text, cells)
    }

    static func gridTUI(_ arguments: [String], grid: String, user: String, servers: [String], directory: URL, name: String) async throws -> (code: Int32, output: String) {
        let output = directory.appendingPathComponent("\(name).out").path
        // Through sh, so that the file holds stderr too; the status is waitpid's.
        let status = try await SystemHarness.run(
            ["/bin/sh", "-c", "exec \"$@\" 2>&1", "sh", SystemHarness.binDirectory.appendingPathComponent("grid-tui").path] + arguments
                + ["--user", user, "--grid", grid] + servers.flatMap { ["--server", $0] },
            output: output, extraEnvironment: TestTokens.environment(token: TestTokens.make(user: user, grid: grid))
        )
        return ((status >> 8) & 0xff, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }

    @Test func anImportLandsWholeOnAnotherServerAsOneImportAndExportsBackTheSame() async throws {
        let directory = SystemHarness.temporaryDirectory("files")
        let grid = "files-\(UUID().uuidString.prefix(8).lowercased())"
        let serverA = try ServerProcess(id: "fA-\(UUID().uuidString.prefix(4))", directory: directory)
        let serverB = try ServerProcess(id: "fB-\(UUID().uuidString.prefix(4))", directory: directory)
        defer {
            serverA.kill()
            serverB.kill()
        }
        try await serverA.waitUntilListening()
        try await serverB.waitUntilListening()
        let (text, expected) = Self.csv(rows: 3000)
        let file = directory.appendingPathComponent("in.csv")
        try text.write(to: file, atomically: true, encoding: .utf8)

        let watcher = try HeadlessClient(user: "wes", grid: grid, servers: [serverB.url], directory: directory)
        watcher.send("sync 30000\necho ready\n")
        try await watcher.waitFor("ready")
        let imported = try await Self.gridTUI(["import", file.path], grid: grid, user: "ivy", servers: [serverA.url], directory: directory, name: "import")
        #expect(imported.code == 0, "import exited \(imported.code): \(imported.output)")
        let summary = try #require(imported.output.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }.last { $0["import"] != nil })
        #expect(summary["cells"] as? Int == expected.count && summary["chunks"] as? Int == 2 && summary["lostChunks"] as? Int == 0)

        watcher.send("wait E2999 x 30000\nsync 30000\ndump\nhistory 100\necho seen\n")
        try await watcher.waitFor("seen")
        let dump = try #require(watcher.objects.compactMap { $0["cells"] as? [String: String] }.last)
        #expect(dump == expected)
        let imports = watcher.objects.filter { $0["kind"] as? String == "multi" && $0["type"] == nil }
        #expect(imports.count == 2 && imports.allSatisfy { $0["label"] as? String == "import" })
        #expect(Set(imports.compactMap { $0["group"] as? String }).count == 1, "both chunks are one import")

        let out = directory.appendingPathComponent("out.csv")
        let exported = try await Self.gridTUI(["export", out.path], grid: grid, user: "wes", servers: [serverB.url], directory: directory, name: "export")
        #expect(exported.code == 0, "export exited \(exported.code): \(exported.output)")
        #expect(try String(contentsOf: out, encoding: .utf8) == text, "the export is the file imported")
        let xlsx = directory.appendingPathComponent("out.xlsx")
        let workbook = try await Self.gridTUI(["export", xlsx.path, "--range", "A1:B2"], grid: grid, user: "wes", servers: [serverB.url], directory: directory, name: "xlsx")
        let zip = try Data(contentsOf: xlsx)
        #expect(workbook.code == 0 && zip.starts(with: [0x50, 0x4B]), "an XLSX (zip) file: \(workbook.output)")
        watcher.send("quit\n")
        try await watcher.finish()
    }

    /// LibreOffice's own workbook (Tests/GridFilesTests/Fixtures/lo-book.xlsx, made by
    /// scripts/file-fixtures) goes into a live grid through one server and out of it through
    /// another: every value and formula comes back as LibreOffice wrote it.
    @Test func aLibreOfficeWorkbookSurvivesARoundTripThroughALiveGrid() async throws {
        let directory = SystemHarness.temporaryDirectory("files-lo")
        let grid = "files-lo-\(UUID().uuidString.prefix(8).lowercased())"
        let serverA = try ServerProcess(id: "fLA-\(UUID().uuidString.prefix(4))", directory: directory)
        let serverB = try ServerProcess(id: "fLB-\(UUID().uuidString.prefix(4))", directory: directory)
        defer {
            serverA.kill()
            serverB.kill()
        }
        try await serverA.waitUntilListening()
        try await serverB.waitUntilListening()
        let book = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("GridFilesTests/Fixtures/lo-book.xlsx")
        let original = try XLSXFile.read(book)
        #expect(original.cells.contains { $0.1.hasPrefix("=") }, "the workbook has formulas")

        let imported = try await Self.gridTUI(["import", book.path], grid: grid, user: "ivy", servers: [serverA.url], directory: directory, name: "lo-import")
        #expect(imported.code == 0, "import exited \(imported.code): \(imported.output)")
        let out = directory.appendingPathComponent("back.xlsx")
        let exported = try await Self.gridTUI(["export", out.path, "--formulas"], grid: grid, user: "wes", servers: [serverB.url], directory: directory, name: "lo-export")
        #expect(exported.code == 0, "export exited \(exported.code): \(exported.output)")
        let back = try XLSXFile.read(out)
        let before = Dictionary(uniqueKeysWithValues: original.cells.map { ($0.0.description, $0.1) })
        let after = Dictionary(uniqueKeysWithValues: back.cells.map { ($0.0.description, $0.1) })
        #expect(after == before, "every value and formula as LibreOffice wrote it")
    }

    @Test func aBrokenFileIsNamedByLineAndColumnAndWritesNothing() async throws {
        let directory = SystemHarness.temporaryDirectory("files-bad")
        let grid = "files-bad-\(UUID().uuidString.prefix(8).lowercased())"
        let server = try ServerProcess(id: "fX-\(UUID().uuidString.prefix(4))", directory: directory)
        defer { server.kill() }
        try await server.waitUntilListening()
        let file = directory.appendingPathComponent("bad.csv")
        try "a,b\r\nc,d\r\ne,\"never closed\r\nf,g\r\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try await Self.gridTUI(["import", file.path], grid: grid, user: "ivy", servers: [server.url], directory: directory, name: "bad")
        #expect(result.code == 6, "a bad file is its own exit code: \(result.output)")
        #expect(result.output.contains("bad.csv:3:3: this quote is never closed") && result.output.contains("nothing was written"), "\(result.output)")
        let notXLSX = directory.appendingPathComponent("fake.xlsx")
        try "not a zip".write(to: notXLSX, atomically: true, encoding: .utf8)
        let fake = try await Self.gridTUI(["import", notXLSX.path], grid: grid, user: "ivy", servers: [server.url], directory: directory, name: "fake")
        #expect(fake.code == 6, "\(fake.output)")
        let reader = try HeadlessClient(user: "rex", grid: grid, servers: [server.url], directory: directory)
        reader.send("sync 30000\ndump\nquit\n")
        try await reader.finish()
        #expect((reader.objects.compactMap { $0["cells"] as? [String: String] }.last) == [:])
    }

    @Test(.timeLimit(.minutes(3))) func redisKilledInTheMiddleOfAnImportLosesNoChunkAndAppliesNoneTwice() async throws {
        let directory = SystemHarness.temporaryDirectory("files-redis")
        let grid = "files-redis-\(UUID().uuidString.prefix(8).lowercased())"
        let server = try ServerProcess(id: "fR-\(UUID().uuidString.prefix(4))", directory: directory)
        defer { server.kill() }
        try await server.waitUntilListening()
        let (text, expected) = Self.csv(rows: 30_000)
        let file = directory.appendingPathComponent("big.csv")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let chunks = (expected.count + 9_999) / 10_000

        let importer = try HeadlessClient(user: "ivy", grid: grid, servers: [server.url], directory: directory)
        importer.send("import \(file.path)\nsettle 60000\necho imported\n")
        let started = try await SystemHarness.eventually(timeout: .seconds(60)) {
            importer.objects.contains { $0["type"] as? String == "ack" }
        }
        try #require(started, "the first chunk was acked")
        try await SystemHarness.services("kill", "redis")
        var restored = false
        defer { if !restored { ServiceScripts.restore("redis") } }
        let ackedBeforeKill = importer.objects.filter { $0["type"] as? String == "ack" }.count
        #expect(ackedBeforeKill < chunks, "Redis went down in the middle: \(ackedBeforeKill) of \(chunks) chunks acked")
        try await Task.sleep(for: .seconds(1))
        try await SystemHarness.services("start", "redis")
        restored = true
        try await importer.waitFor("imported", timeout: .seconds(120))
        importer.send("dump\necho dumped\nquit\n")
        try await importer.waitFor("dumped", timeout: .seconds(120))
        try await importer.finish()
        #expect(!importer.isRunning && importer.exitCode == 0, "the import resumed and finished: \(importer.stderr)")
        let dump = try #require(importer.objects.compactMap { $0["cells"] as? [String: String] }.last)
        #expect(dump == expected)

        let mysql = try SystemHarness.mysqlClient()
        defer { Task { await mysql.shutdown() } }
        let ops = try await mysql.query(
            "SELECT op_id, COUNT(*) AS n, MAX(cell_count) AS cells FROM ops WHERE grid = ? AND kind = 'multi' GROUP BY op_id", [.text(grid)]
        )
        #expect(ops.count == chunks, "every chunk is stored: \(ops.count) of \(chunks)")
        #expect(ops.allSatisfy { $0["n"].int == 1 }, "and none twice")
        let stored = try await mysql.query("SELECT COUNT(*) AS n, COUNT(DISTINCT cell) AS d FROM op_cells WHERE grid = ?", [.text(grid)]).first
        #expect(stored?["n"].int == Int64(expected.count) && stored?["d"].int == Int64(expected.count), "each cell written once: \(String(describing: stored))")
        let cells = try await mysql.query("SELECT COUNT(*) AS n FROM cells WHERE grid = ? AND value IS NOT NULL", [.text(grid)]).first?["n"].int
        #expect(cells == Int64(expected.count))
    }
}
