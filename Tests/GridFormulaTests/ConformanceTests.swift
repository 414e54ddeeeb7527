import GridFormula
import Shared
import Testing

/// Replays the LibreOffice conformance table (scripts/formula-fixtures): every formula is loaded at its
/// cell next to the fixture sheet, as in the XLSX LibreOffice computed, and its value compared.
/// Numbers match within a relative tolerance of 1e-9, since LibreOffice prints 15 significant digits;
/// text, booleans and errors match exactly.
struct ConformanceTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var id: Int
        var cell: CellAddress
        var formula: String
        var kind: String
        var expected: String
        var source: String

        var testDescription: String { "#\(id) \(formula)" }
    }

    static let fixtures: String = {
        let file = #filePath
        return String(file[..<file.lastIndex(of: "/")!]) + "/Fixtures/"
    }()

    static func lines(_ name: String) -> [[String]] {
        let text = (try? String(contentsOfFile: fixtures + name, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    static let sheetCells: [CellAddress: String] = {
        var cells: [CellAddress: String] = [:]
        for fields in lines("fixture-sheet.tsv") where fields.count == 2 {
            cells[CellAddress(fields[0])!] = fields[1]
        }
        return cells
    }()

    static let rows: [Row] = lines("conformance.tsv").dropFirst().map { f in
        Row(id: Int(f[0])!, cell: CellAddress(f[1])!, formula: f[2], kind: f[3], expected: f[4], source: f[5])
    }

    static let sheet: FormulaSheet = {
        var cells = sheetCells
        for row in rows { cells[row.cell] = row.formula }
        var sheet = FormulaSheet()
        sheet.load(cells, clock: 0)
        return sheet
    }()

    @Test func tableIsComplete() {
        #expect(Self.rows.count >= 400)
        #expect(!Self.sheetCells.isEmpty)
        let sources = Set(Self.rows.map(\.source))
        #expect(sources.isSubset(of: ["libreoffice", "excel-doc", "collabgrid-deliberate"]))
    }

    static func matches(_ value: FormulaValue, _ row: Row) -> Bool {
        switch (row.kind, value) {
        case ("number", .number(let n)):
            guard let expected = Double(row.expected) else { return false }
            return n == expected || Swift.abs(n - expected) <= 1e-9 * Swift.max(Swift.abs(expected), Swift.abs(n))
        case ("text", .text(let t)): return t == row.expected
        case ("boolean", .boolean(let b)): return (b ? "TRUE" : "FALSE") == row.expected
        case ("error", .error(let e)): return e.rawValue == row.expected
        case ("blank", .blank): return true
        default: return false
        }
    }

    @Test(arguments: rows)
    func formulaMatches(_ row: Row) {
        let value = Self.sheet.value(row.cell)
        #expect(Self.matches(value, row), "\(row.formula): expected \(row.kind) \(row.expected), got \(value)")
    }
}
