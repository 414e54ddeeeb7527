import Foundation
@testable import GridFiles
import Shared
import Testing

/// CSV import against LibreOffice's CSV files, whose fields Python's csv module read for the
/// expected TSVs (scripts/file-fixtures).
@Suite struct CSVReadTests {
    static let fixtures: [(file: String, expected: String, delimiter: Character)] = [
        ("lo-comma.csv", "lo-comma.expected.tsv", ","),
        ("lo-semicolon.csv", "lo-semicolon.expected.tsv", ";"),
        ("lo-tab.tsv", "lo-tab.expected.tsv", "\t"),
        ("lo-comma-bom-crlf.csv", "lo-comma-bom-crlf.expected.tsv", ","),
    ]

    @Test(arguments: fixtures)
    func readsLibreOfficeCSV(_ fixture: (file: String, expected: String, delimiter: Character)) throws {
        let sheet = try CSVFile.read(Fixtures.url(fixture.file), delimiter: fixture.delimiter)
        let expected = try Fixtures.tsv(fixture.expected).map { (Fixtures.address($0[0]), $0[1]) }
        #expect(sheet.cells.map(\.0) == expected.map(\.0))
        #expect(sheet.cells.map(\.1) == expected.map(\.1))
        #expect(sheet.cells.contains { $0.1 == "line one\nline two" || $0.1 == "line one\r\nline two" })
        #expect(sheet.sheetName == nil)
    }

    @Test func originShiftsEveryCell() throws {
        let sheet = try CSVFile.read(bytes: Array("a,b\nc\n".utf8), at: CellAddress("C5")!)
        #expect(sheet.cells.map { "\($0.0)=\($0.1)" } == ["C5=a", "D5=b", "C6=c"])
    }

    @Test func emptyFieldsAndLinesMakeNoCells() throws {
        let sheet = try CSVFile.read(bytes: Array(",x,,\n\n\"\",y\n".utf8))
        #expect(sheet.cells.map { "\($0.0)=\($0.1)" } == ["B1=x", "B3=y"])
    }

    @Test func lineEndsOfEveryKind() throws {
        let sheet = try CSVFile.read(bytes: Array("a\r\nb\rc\nd".utf8))
        #expect(sheet.cells.map { "\($0.0)=\($0.1)" } == ["A1=a", "A2=b", "A3=c", "A4=d"])
    }

    @Test func quotedFieldsKeepDelimitersQuotesAndLineBreaks() throws {
        let sheet = try CSVFile.read(bytes: Array("\"a,b\",\"say \"\"hi\"\"\",\"1\r\n2\"\nnext".utf8))
        #expect(sheet.cells.map(\.1) == ["a,b", "say \"hi\"", "1\r\n2", "next"])
        #expect(sheet.cells.last?.0 == CellAddress("A2"))
    }

    @Test func quoteInsideAnUnquotedFieldIsLiteral() throws {
        // Lenient, as LibreOffice: nothing is lost, so nothing to reject.
        let sheet = try CSVFile.read(bytes: Array("5\" disk,a\"b\n".utf8))
        #expect(sheet.cells.map(\.1) == ["5\" disk", "a\"b"])
    }

    @Test func anyOneCharacterDelimiter() throws {
        #expect(try CSVFile.read(bytes: Array("a|b|\"c|d\"".utf8), delimiter: "|").cells.map(\.1) == ["a", "b", "c|d"])
        #expect(try CSVFile.read(bytes: Array("a§b§\"c§d\"\né§ü".utf8), delimiter: "§").cells.map(\.1) == ["a", "b", "c§d", "é", "ü"])
    }

    @Test func textIsKeptAsTyped() throws {
        let sheet = try CSVFile.read(bytes: Array("=A1+1,  spaced ,'42,日本\n".utf8))
        #expect(sheet.cells.map(\.1) == ["=A1+1", "  spaced ", "'42", "日本"])
    }

    @Test func badDelimiters() {
        for delimiter: Character in ["\"", "\n", "\r\n"] {
            #expect(throws: GridFileError.self) { try CSVFile.read(bytes: Array("a".utf8), delimiter: delimiter) }
        }
    }

    @Test func emptyInput() throws {
        #expect(try CSVFile.read(bytes: []).cells.isEmpty)
        #expect(try CSVFile.read(bytes: [0xEF, 0xBB, 0xBF]).cells.isEmpty)
    }

    @Test func missingFileIsUnreadable() {
        let error = #expect(throws: GridFileError.self) { try CSVFile.read(URL(fileURLWithPath: "/nonexistent/x.csv")) }
        #expect(error?.code == .unreadable)
        #expect(error?.description.hasPrefix("x.csv: cannot read the file") == true)
    }
}
