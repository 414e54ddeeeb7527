import Foundation
import GridFiles
import Shared
import Testing

/// The cells CollabGrid exports in the LibreOffice round trip: every kind of value, formulas with
/// the cached values CollabGrid's engine would give them (worked out by hand here), Excel's newer
/// functions that need `_xlfn.`, and text that is hard to quote. scripts/file-fixtures has the
/// suite write them (`exportCorpus` below), converts them with LibreOffice and stores its reading
/// as roundtrip-* fixtures; LibreOfficeRoundTripTests compares that reading with these cells.
enum ExportCorpus {
    static let sheetName = "Export"

    static let cells: [XLSXFile.Cell] = [
        cell("A1", "10"), cell("B1", "20"), cell("C1", "=A1+B1", .number(30)), cell("D1", "=SUM(A1:B1)*2", .number(60)),
        cell("E1", "0.1"),
        cell("A2", "say \"hi\", you"), cell("B2", "line one\nline two"), cell("C2", "=LEN(A2)", .number(13)),
        cell("D2", "  padded  "), cell("E2", "Ünïcødé 日本 🎉"),
        cell("A3", "TRUE"), cell("B3", "=AND(A3,FALSE)", .boolean(false)), cell("C3", "2024-01-05"),
        cell("D3", "=C3+1", .number(45297)), cell("E3", "12%"),
        cell("A4", "'42"), cell("B4", "=IFS(A1>5,\"big\",TRUE,\"small\")", .text("big")),
        cell("C4", "=XOR(TRUE,FALSE)", .boolean(true)), cell("D4", "=TEXTJOIN(\"-\",TRUE,A1,B1)", .text("10-20")),
        cell("E4", "=CONCAT(\"a\",\"b\")", .text("ab")),
        cell("A5", "=DAYS(C3,\"2023-12-01\")", .number(35)), cell("B5", "=IFNA(NA(),\"none\")", .text("none")),
        cell("C5", "=1/0", .error("#DIV/0!")), cell("D5", "-2.5e-3"), cell("E5", "12:30:00"),
        cell("A6", "2024-01-05 13:45:00"), cell("B6", "=A1&\" items\"", .text("10 items")), cell("C6", "a,b;c\td|e"),
        cell("D6", "=IF(A1>5,\"yes\",\"no\")", .text("yes")), cell("E6", "<tag> & \"amp\" _x0041_"),
        cell("A8", "'=not a formula"), cell("C8", "=ROUND(1/3,4)", .number(0.3333)), cell("E8", "last"),
    ]

    /// The same cells as CSV rows of typed text, gaps as empty fields.
    static var rows: [[String]] {
        let width = (cells.map(\.address.column).max() ?? 0) + 1
        let height = (cells.map(\.address.row).max() ?? 0) + 1
        var grid = Array(repeating: Array(repeating: "", count: width), count: height)
        for cell in cells { grid[cell.address.row][cell.address.column] = cell.typed }
        return grid
    }

    private static func cell(_ reference: String, _ typed: String, _ cached: XLSXFile.CachedValue? = nil) -> XLSXFile.Cell {
        XLSXFile.Cell(address: CellAddress(reference)!, typed: typed, cached: cached)
    }
}

/// Writes the corpus for scripts/file-fixtures when GRIDFILES_EXPORT_DIR is set; does nothing otherwise.
@Test func exportCorpus() throws {
    guard let folder = ProcessInfo.processInfo.environment["GRIDFILES_EXPORT_DIR"] else { return }
    let url = URL(fileURLWithPath: folder)
    try XLSXFile.write(ExportCorpus.cells, sheetName: ExportCorpus.sheetName, to: url.appendingPathComponent("export-cells.xlsx"))
    try CSVFile.write(ExportCorpus.rows, to: url.appendingPathComponent("export-cells.csv"))
}
