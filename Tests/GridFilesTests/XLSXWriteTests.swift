import Foundation
import GridFiles
import Shared
import Testing

@Suite struct XLSXWriteTests {
    static let corpusByCell = Dictionary(uniqueKeysWithValues: ExportCorpus.cells.map { ($0.address.description, $0) })

    @Test func readsBackWhatItWrote() throws {
        let data = try XLSXFile.encode(ExportCorpus.cells, sheetName: ExportCorpus.sheetName)
        let sheet = try XLSXFile.read(data: data)
        #expect(sheet.sheetName == "Export")
        #expect(sheet.cells.map(\.0) == ExportCorpus.cells.map(\.address).sorted())
        for (address, typed) in sheet.cells {
            let written = try #require(Self.corpusByCell[address.description]).typed
            switch written {
            case "12%": #expect(typed == "0.12")  // percentages come back as their number
            case "-2.5e-3": #expect(typed == "-0.0025")
            case "'=not a formula": #expect(typed == written)
            case "'42": #expect(typed == "'42")
            default: #expect(typed == written, "\(address)")
            }
        }
    }

    /// The committed export-cells.* are what LibreOffice read for the roundtrip-* fixtures; if the
    /// writer changes, they must be remade with scripts/file-fixtures.
    @Test func exportsAreTheOnesLibreOfficeRead() throws {
        let csv = try CSVFile.encode(ExportCorpus.rows)
        #expect(csv == (try Data(contentsOf: Fixtures.url("export-cells.csv"))), "rerun scripts/file-fixtures")
        let fresh = try XLSXTestPackage.parts(try XLSXFile.encode(ExportCorpus.cells, sheetName: ExportCorpus.sheetName))
        let committed = try XLSXTestPackage.parts(try Data(contentsOf: Fixtures.url("export-cells.xlsx")))
        #expect(fresh.keys.sorted() == committed.keys.sorted())
        for (path, data) in fresh {
            #expect(data == committed[path], "\(path) differs: rerun scripts/file-fixtures")
        }
    }

    @Test func formulasGetExcelsPrefixesAndCachedValues() throws {
        let cells = [
            XLSXFile.Cell(address: CellAddress("A1")!, typed: "=XLOOKUP(1,B:B,C:C)", cached: .error("#N/A")),
            XLSXFile.Cell(address: CellAddress("A2")!, typed: "=SORT(FILTER(B1:B9,B1:B9>0))", cached: .number(.infinity)),
            XLSXFile.Cell(address: CellAddress("A3")!, typed: "=\"ifs(\"&IFS(TRUE,1)", cached: .text("ifs(1")),
        ]
        let parts = try XLSXTestPackage.parts(try XLSXFile.encode(cells))
        let sheet = String(decoding: try #require(parts["xl/worksheets/sheet1.xml"]), as: UTF8.self)
        #expect(sheet.contains("<c r=\"A1\" t=\"e\"><f>_xlfn.XLOOKUP(1,B:B,C:C)</f><v>#N/A</v></c>"))
        #expect(sheet.contains("<f>_xlfn._xlws.SORT(_xlfn._xlws.FILTER(B1:B9,B1:B9&gt;0))</f><v>#NUM!</v>"))
        #expect(sheet.contains("<c r=\"A3\" t=\"str\"><f>\"ifs(\"&amp;_xlfn.IFS(TRUE,1)</f><v>ifs(1</v></c>"))
        let workbook = String(decoding: try #require(parts["xl/workbook.xml"]), as: UTF8.self)
        #expect(!workbook.contains("fullCalcOnLoad"))
        // Reading strips the prefixes again.
        #expect(try XLSXFile.read(data: try XLSXFile.encode(cells)).cells.map(\.1) == cells.map(\.typed))
    }

    @Test func formulaWithoutCachedValueAsksForRecalculation() throws {
        let parts = try XLSXTestPackage.parts(try XLSXFile.encode([XLSXFile.Cell(address: CellAddress("B2")!, typed: "=1+1")]))
        #expect(String(decoding: try #require(parts["xl/workbook.xml"]), as: UTF8.self).contains("<calcPr fullCalcOnLoad=\"1\""))
        #expect(String(decoding: try #require(parts["xl/worksheets/sheet1.xml"]), as: UTF8.self).contains("<c r=\"B2\"><f>1+1</f></c>"))
        #expect(parts["xl/sharedStrings.xml"] == nil)
    }

    @Test func textThatXMLCannotHoldIsEscaped() throws {
        let text = "tab\tcr\rbell\u{7}_x0041_<&>"
        let data = try XLSXFile.encode([XLSXFile.Cell(address: CellAddress("A1")!, typed: text)])
        let strings = String(decoding: try #require(try XLSXTestPackage.parts(data)["xl/sharedStrings.xml"]), as: UTF8.self)
        #expect(strings.contains("<t>tab\tcr&#13;bell_x0007__x005F_x0041_&lt;&amp;&gt;</t>"))
        #expect(try XLSXFile.read(data: data).cells.map(\.1) == [text])
    }

    @Test func badArgumentsWriteNothing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-write-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("out.xlsx")
        let cell = XLSXFile.Cell(address: CellAddress("A1")!, typed: "1")
        for name in ["", "a/b", "[x]", "'quoted'", String(repeating: "x", count: 32)] {
            let error = #expect(throws: GridFileError.self) { try XLSXFile.write([cell], sheetName: name, to: url) }
            #expect(error?.code == .badArgument)
        }
        let twice = #expect(throws: GridFileError.self) { try XLSXFile.write([cell, cell], to: url) }
        #expect(twice?.description == "out.xlsx: cell A1 is given twice")
        #expect(!FileManager.default.fileExists(atPath: url.path))
        try XLSXFile.write([cell], sheetName: "Übersicht 2024", to: url)
        #expect(try XLSXFile.read(url).sheetName == "Übersicht 2024")
    }

    @Test func emptySheet() throws {
        let sheet = try XLSXFile.read(data: try XLSXFile.encode([]))
        #expect(sheet.cells.isEmpty)
    }
}
