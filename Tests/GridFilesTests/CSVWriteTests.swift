import Foundation
import GridFiles
import Shared
import Testing

@Suite struct CSVWriteTests {
    @Test func quotesOnlyWhatNeedsIt() throws {
        let data = try CSVFile.encode([["plain", "a,b", "say \"hi\"", "two\nlines", "cr\rhere", ""], ["日本", "=A1"]])
        #expect(String(decoding: data, as: UTF8.self)
            == "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\",\r\n日本,=A1\r\n")
    }

    @Test func otherDelimiters() throws {
        let data = try CSVFile.encode([["a;b", "c", "d\te"]], delimiter: ";")
        #expect(String(decoding: data, as: UTF8.self) == "\"a;b\";c;d\te\r\n")
        let tabs = try CSVFile.encode([["a;b", "d\te"]], delimiter: "\t")
        #expect(String(decoding: tabs, as: UTF8.self) == "a;b\t\"d\te\"\r\n")
    }

    @Test func noBOMAndEmptyInput() throws {
        #expect(try CSVFile.encode([]).isEmpty)
        #expect(try CSVFile.encode([["é"]]).first == 0xC3)
    }

    @Test func readsBackWhatItWrote() throws {
        let rows = ExportCorpus.rows
        let sheet = try CSVFile.read(bytes: [UInt8](try CSVFile.encode(rows)))
        let expected = rows.enumerated().flatMap { r, row in
            row.enumerated().compactMap { c, text in text.isEmpty ? nil : "\(CellAddress(column: c, row: r)!)=\(text)" }
        }
        #expect(sheet.cells.map { "\($0.0)=\($0.1)" } == expected)
    }

    @Test func failedWriteLeavesNothing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("csv-write-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("out.csv")
        let bad = #expect(throws: GridFileError.self) { try CSVFile.write([["a"]], to: url, delimiter: "\"") }
        #expect(bad?.code == .badArgument)
        #expect(!FileManager.default.fileExists(atPath: url.path))
        let missing = #expect(throws: GridFileError.self) {
            try CSVFile.write([["a"]], to: folder.appendingPathComponent("no/such/dir.csv"))
        }
        #expect(missing?.code == .unwritable)
        try CSVFile.write([["a", "b"]], to: url)
        #expect(try Data(contentsOf: url) == Data("a,b\r\n".utf8))
    }
}
