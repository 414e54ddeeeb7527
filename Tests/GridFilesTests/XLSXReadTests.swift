import Foundation
@testable import GridFiles
import Shared
import Testing

/// XLSX import of LibreOffice's workbook (lo-book.xlsx) against LibreOffice's own reading of it
/// (lo-book.expected.tsv), and of hand-built packages for what LibreOffice does not write.
@Suite struct XLSXReadTests {
    /// LibreOffice's CSV shows the constants TRUE and FALSE as the functions TRUE() and FALSE().
    static func canonical(_ formula: String) -> String {
        formula.replacingOccurrences(of: "TRUE()", with: "TRUE").replacingOccurrences(of: "FALSE()", with: "FALSE")
    }

    func check(sheet name: String, _ sheet: ImportedSheet) throws {
        let expected = try Fixtures.tsv("lo-book.expected.tsv").filter { $0[0] == name }
        #expect(sheet.sheetName == name)
        #expect(sheet.cells.map(\.0) == expected.map { Fixtures.address($0[1]) })
        for (cell, row) in zip(sheet.cells, expected) {
            let (typed, kind, libreOffice) = (cell.1, row[2], row[3])
            switch kind {
            case "formula":
                #expect(Self.canonical(typed) == Self.canonical(libreOffice), "\(row[1])")
            case "number":
                #expect(Double(typed) == Double(libreOffice), "\(row[1]): \(typed) vs \(libreOffice)")
            case "text":
                let shown = TypedValue.needsApostrophe(libreOffice) ? "'" + libreOffice : libreOffice
                #expect(typed == shown, "\(row[1])")
            default:  // date (ISO-formatted in the source), boolean
                #expect(typed == libreOffice, "\(row[1])")
            }
        }
    }

    @Test func firstSheetByDefault() throws {
        let sheet = try XLSXFile.read(Fixtures.url("lo-book.xlsx"))
        try check(sheet: "Data", sheet)
        // The text cell "42" (format @) stays text; the date is ISO text; _xlfn. is gone.
        let cells = Dictionary(uniqueKeysWithValues: sheet.cells.map { ($0.0.description, $0.1) })
        #expect(cells["E5"] == "'42")
        #expect(cells["A5"] == "2024-01-05")
        #expect(cells["A6"] == "=IFS(B2>5,\"big\",TRUE(),\"small\")")
        #expect(cells["B5"] == "TRUE")
        #expect(cells["E3"] == "line one\nline two")
    }

    @Test func sheetByName() throws {
        try check(sheet: "Second Sheet", try XLSXFile.read(Fixtures.url("lo-book.xlsx"), sheet: "Second Sheet"))
        try check(sheet: "Second Sheet", try XLSXFile.read(Fixtures.url("lo-book.xlsx"), sheet: "second sheet"))
        #expect(try XLSXFile.sheetNames(data: Data(contentsOf: Fixtures.url("lo-book.xlsx"))) == ["Data", "Second Sheet"])
    }

    @Test func missingSheetListsTheNames() {
        let error = #expect(throws: GridFileError.self) { try XLSXFile.read(Fixtures.url("lo-book.xlsx"), sheet: "Totals") }
        #expect(error?.code == .noSuchSheet)
        #expect(error?.description == "lo-book.xlsx: no sheet named 'Totals'; the workbook has 'Data', 'Second Sheet'")
    }

    @Test func originShiftsEveryCell() throws {
        let sheet = try XLSXFile.read(Fixtures.url("lo-book.xlsx"), sheet: "Second Sheet", at: CellAddress("B10")!)
        #expect(sheet.cells.map(\.0.description) == ["B10", "C11", "D12"])
        // Formulas keep their text: the caller decides whether references move with the paste.
        #expect(sheet.cells.last?.1 == "=B2*6")
    }

    @Test func limitsNameTheSheetAndCell() {
        let rows = #expect(throws: GridFileError.self) {
            try XLSXFile.read(Fixtures.url("lo-book.xlsx"), limits: ImportLimits(maxRows: 5))
        }
        #expect(rows?.code == .outOfBounds)
        #expect(rows?.message == "sheet 'Data', cell A6: would land in row 6, past the grid's last row 5")
        let columns = #expect(throws: GridFileError.self) {
            try XLSXFile.read(Fixtures.url("lo-book.xlsx"), at: CellAddress("B1")!, limits: ImportLimits(maxColumns: 5))
        }
        #expect(columns?.message == "sheet 'Data', cell E1: would land in column F, past the grid's last column E")
        let size = #expect(throws: GridFileError.self) {
            try XLSXFile.read(Fixtures.url("lo-book.xlsx"), limits: ImportLimits(maxValueBytes: 12))
        }
        #expect(size?.code == .valueTooLarge)
        #expect(size?.message == "sheet 'Data', cell A3: the value is 18 bytes; a cell holds at most 12")
    }

    @Test func renamedTextFileIsNotXLSX() {
        let error = #expect(throws: GridFileError.self) { try XLSXFile.read(Fixtures.url("bad-not-xlsx.xlsx")) }
        #expect(error?.code == .notXLSX)
        #expect(error?.description == "bad-not-xlsx.xlsx: not an XLSX file: it is not a zip archive (it looks like a text file; CSV files are imported as CSV)")
    }

    @Test func zipWithoutWorkbookIsNotXLSX() {
        let error = #expect(throws: GridFileError.self) { try XLSXFile.read(Fixtures.url("bad-zip-no-workbook.xlsx")) }
        #expect(error?.code == .notXLSX)
        #expect(error?.message == "not an XLSX file: the zip archive has no workbook (xl/workbook.xml)")
    }

    @Test func damagedZipIsNotXLSX() throws {
        var data = try Data(contentsOf: Fixtures.url("lo-book.xlsx"))
        data = data.prefix(data.count / 2)
        let error = #expect(throws: GridFileError.self) { try XLSXFile.read(data: data) }
        #expect(error?.code == .notXLSX)
    }

    @Test func sharedFormulasMoveToEachCell() throws {
        let data = try XLSXTestPackage.make(sheet: """
        <row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="shared" ref="B1:B3" si="0">A1*2+$A$1+SUM(A:A)+LOG10(A1)</f><v>2</v></c></row>\
        <row r="2"><c r="A2"><v>2</v></c><c r="B2"><f t="shared" si="0"/><v>4</v></c></row>\
        <row r="3"><c r="C3"><f t="shared" si="0"/><v>6</v></c></row>
        """)
        let cells = try XLSXFile.read(data: data).cells.map { "\($0.0)=\($0.1)" }
        #expect(cells == ["A1=1", "B1==A1*2+$A$1+SUM(A:A)+LOG10(A1)", "A2=2", "B2==A2*2+$A$1+SUM(A:A)+LOG10(A2)",
                          "C3==B3*2+$A$1+SUM(B:B)+LOG10(B3)"])
    }

    @Test func stringsOfEveryKind() throws {
        let data = try XLSXTestPackage.make(
            sheet: """
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>inline</t></is></c>\
            <c r="D1" t="str"><v>str</v></c><c r="E1" t="s"><v>2</v></c><c r="F1" t="b"><v>0</v></c><c r="G1" t="e"><v>#N/A</v></c></row>\
            <row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="inlineStr"><is><r><t>rich </t></r><r><t>inline</t></r></is></c><c r="C2" t="s"><v>4</v></c></row>
            """,
            sharedStrings: """
            <si><t>plain</t></si><si><r><t>rich </t></r><r><t>run</t></r><rPh><t>ruby</t></rPh></si><si><t>12.5</t></si>\
            <si><t>a_x000D_b _x005F_x0041_</t></si><si><t>=not</t></si>
            """)
        let cells = try XLSXFile.read(data: data).cells.map(\.1)
        #expect(cells == ["plain", "rich run", "inline", "str", "'12.5", "FALSE", "#N/A", "a\rb _x0041_", "rich inline", "'=not"])
    }

    @Test func datesFollowTheNumberFormat() throws {
        let styles = """
        <numFmts><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="[h]:mm"/>\
        <numFmt numFmtId="166" formatCode="0.00E+00"/><numFmt numFmtId="167" formatCode="&quot;day&quot; 0"/></numFmts>\
        <cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="22"/><xf numFmtId="21"/>\
        <xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="167"/></cellXfs>
        """
        let row = [
            "<c r=\"A1\" s=\"1\"><v>45296</v></c>", "<c r=\"B1\" s=\"2\"><v>45296.5</v></c>", "<c r=\"C1\" s=\"3\"><v>45296.572916666664</v></c>",
            "<c r=\"D1\" s=\"4\"><v>0.5208333333333334</v></c>", "<c r=\"E1\" s=\"5\"><v>1.5</v></c>", "<c r=\"F1\" s=\"6\"><v>12345</v></c>",
            "<c r=\"G1\" s=\"7\"><v>3</v></c>", "<c r=\"H1\" s=\"1\"><v>-3</v></c>", "<c r=\"I1\" t=\"d\"><v>2024-01-05T00:00:00Z</v></c>",
        ].joined()
        let cells = try XLSXFile.read(data: try XLSXTestPackage.make(sheet: "<row r=\"1\">\(row)</row>", styles: styles)).cells.map(\.1)
        #expect(cells == ["2024-01-05", "2024-01-05 12:00:00", "2024-01-05 13:45:00", "12:30:00", "1.5", "12345", "3", "-3", "2024-01-05"])
        let mac = try XLSXTestPackage.make(sheet: "<row r=\"1\"><c r=\"A1\" s=\"1\"><v>43834</v></c></row>", styles: styles,
                                           workbookExtra: "<workbookPr date1904=\"1\"/>")
        #expect(try XLSXFile.read(data: mac).cells.map(\.1) == ["2024-01-05"])
    }

    @Test func cellsWithoutReferencesFollowTheirNeighbours() throws {
        let data = try XLSXTestPackage.make(sheet: "<row><c><v>1</v></c><c><v>2</v></c></row><row r=\"4\"><c r=\"C4\"><v>3</v></c><c><v>4</v></c></row>")
        #expect(try XLSXFile.read(data: data).cells.map { "\($0.0)=\($0.1)" } == ["A1=1", "B1=2", "C4=3", "D4=4"])
    }

    @Test func malformedSheetsNameTheProblem() throws {
        let badReference = try XLSXTestPackage.make(sheet: "<row r=\"1\"><c r=\"A0\"><v>1</v></c></row>")
        #expect(throws: GridFileError(.badSheet, "sheet 'Sheet1', cell \"A0\": not a cell reference (A1 to XFD1048576)")) {
            try XLSXFile.read(data: badReference)
        }
        let badString = try XLSXTestPackage.make(sheet: "<row r=\"1\"><c r=\"B1\" t=\"s\"><v>7</v></c></row>", sharedStrings: "<si><t>x</t></si>")
        let error = #expect(throws: GridFileError.self) { try XLSXFile.read(data: badString) }
        #expect(error?.message == "sheet 'Sheet1', cell B1: shared string \"7\" is not in the table of 1")
        let badXML = try XLSXTestPackage.make(sheet: "<row r=\"1\"><c r=\"B1\"><v>1</c></row>")
        let xml = #expect(throws: GridFileError.self) { try XLSXFile.read(data: badXML) }
        #expect(xml?.code == .badSheet)
        #expect(xml?.message.hasPrefix("sheet 'Sheet1': malformed XML at line 1") == true)
    }
}
