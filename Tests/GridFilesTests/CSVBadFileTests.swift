import Foundation
import GridFiles
import Shared
import Testing

/// Broken CSV files: each error names the code, line and column, and no cells come back.
@Suite struct CSVBadFileTests {
    func error(_ fixture: String, limits: ImportLimits = .init()) -> GridFileError? {
        #expect(throws: GridFileError.self) { try CSVFile.read(Fixtures.url(fixture), limits: limits) }
    }

    @Test func unterminatedQuoteIsReportedWhereItOpened() {
        let error = error("bad-unterminated-quote.csv")
        #expect(error?.code == .brokenQuote)
        #expect(error?.line == 3)
        #expect(error?.column == 5)
        #expect(error?.description == "bad-unterminated-quote.csv:3:5: this quote is never closed; the field runs to the end of the file")
    }

    @Test func textAfterAClosingQuoteInLineThree() {
        let error = error("bad-quote-line3.csv")
        #expect(error?.code == .brokenQuote)
        #expect(error?.line == 3)
        #expect(error?.column == 7)
        #expect(error?.message.contains("opened at 3:3") == true)
    }

    @Test func invalidUTF8() {
        let error = error("bad-utf8.csv")
        #expect(error?.code == .badEncoding)
        #expect(error?.line == 2)
        #expect(error?.column == 4)
        #expect(error?.message.contains("0xE9") == true)
    }

    @Test func tooManyColumns() {
        let error = error("bad-too-many-columns.csv", limits: ImportLimits(maxColumns: 3))
        #expect(error?.code == .outOfBounds)
        #expect(error?.line == 2)
        #expect(error?.column == 7)
        #expect(error?.message == "this value would land in column D, past the grid's last column C")
    }

    @Test func tooManyRows() {
        let error = error("bad-too-many-rows.csv", limits: ImportLimits(maxRows: 3))
        #expect(error?.code == .outOfBounds)
        #expect(error?.line == 4)
        #expect(error?.column == 1)
    }

    @Test func originCountsTowardsTheBounds() throws {
        let bytes = Array("a,b\n".utf8)
        #expect(try CSVFile.read(bytes: bytes, at: CellAddress("XFC1")!).cells.count == 2)
        let error = #expect(throws: GridFileError.self) { try CSVFile.read(bytes: bytes, at: CellAddress("XFD1")!) }
        #expect(error?.code == .outOfBounds)
        #expect(error?.column == 3)
    }

    @Test func valueOverTheLimit() {
        let error = error("bad-value-too-large.csv", limits: ImportLimits(maxValueBytes: 16))
        #expect(error?.code == .valueTooLarge)
        #expect(error?.line == 2)
        #expect(error?.column == 3)
        #expect(error?.message == "this value is 20 bytes; a cell holds at most 16")
    }

    @Test func columnsCountCharactersNotBytes() {
        // "日本" is 6 bytes but 2 characters; "é" as e + combining accent is one character.
        let error = #expect(throws: GridFileError.self) { try CSVFile.read(bytes: Array("日本,e\u{301},\"x\"y".utf8)) }
        #expect(error?.line == 1)
        #expect(error?.column == 9)
    }

    @Test func positionsAfterMultilineFields() {
        let error = #expect(throws: GridFileError.self) { try CSVFile.read(bytes: Array("\"a\r\nb\",c\r\nd,\"e\"f".utf8), name: "-") }
        #expect(error?.line == 3)
        #expect(error?.column == 6)
        #expect(error?.description.hasPrefix("-:3:6: ") == true)
    }

    @Test func utf16IsRejectedWithAHint() {
        let error = #expect(throws: GridFileError.self) { try CSVFile.read(bytes: [0xFF, 0xFE, 0x61, 0x00]) }
        #expect(error?.code == .badEncoding)
        #expect(error?.line == 1)
        #expect(error?.column == 1)
    }

    @Test func overlongAndSurrogateSequencesAreNotUTF8() {
        for bad: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            let error = #expect(throws: GridFileError.self) { try CSVFile.read(bytes: Array("ab".utf8) + bad) }
            #expect(error?.code == .badEncoding)
            #expect(error?.column == 3)
        }
    }
}
