import Foundation
import GridFiles
import Shared
import Testing

/// What LibreOffice read from CollabGrid's exports (export-cells.*; see scripts/file-fixtures):
/// every value and formula must have survived.
@Suite struct LibreOfficeRoundTripTests {
    static func byCell(_ sheet: ImportedSheet) -> [String: String] {
        Dictionary(uniqueKeysWithValues: sheet.cells.map { ($0.0.description, $0.1) })
    }

    static func same(_ actual: String?, _ cached: XLSXFile.CachedValue) -> Bool {
        guard let actual else { return false }
        switch cached {
        case .number(let n):
            guard let value = Double(actual) else { return false }
            return abs(value - n) <= 1e-12 * max(1, abs(n))
        case .text(let text): return actual == text
        case .boolean(let flag): return actual == (flag ? "TRUE" : "FALSE")
        case .error(let error): return actual == error
        }
    }

    /// A value cell as LibreOffice shows it with the formats export gave it.
    static func shown(_ typed: String) -> String {
        switch typed {
        case "'42": "42"
        case "'=not a formula": "=not a formula"
        case "-2.5e-3": "-0.0025"
        default: typed
        }
    }

    @Test func formulasAreKeptAsText() throws {
        let cells = Self.byCell(try CSVFile.read(Fixtures.url("roundtrip-xlsx-formulas.csv")))
        for cell in ExportCorpus.cells where cell.typed.hasPrefix("=") {
            #expect(cells[cell.address.description].map(XLSXReadTests.canonical) == cell.typed, "\(cell.address)")
        }
    }

    @Test func cachedValuesAreShownWithoutRecalculation() throws {
        let cells = Self.byCell(try CSVFile.read(Fixtures.url("roundtrip-xlsx-cached.csv")))
        #expect(cells.count == ExportCorpus.cells.count)
        for cell in ExportCorpus.cells {
            let shown = cells[cell.address.description]
            if let cached = cell.cached {
                #expect(Self.same(shown, cached), "\(cell.address): \(shown ?? "nil") vs \(cached)")
            } else {
                #expect(shown == Self.shown(cell.typed), "\(cell.address)")
            }
        }
    }

    @Test func recalculationGivesTheCachedValues() throws {
        let rows = try Fixtures.tsv("roundtrip-xlsx-recalc.tsv")
        let values = Dictionary(uniqueKeysWithValues: rows.map { ($0[0], (type: $0[1], value: $0[2])) })
        #expect(values.count == ExportCorpus.cells.count)
        for cell in ExportCorpus.cells {
            let recalculated = try #require(values[cell.address.description], "\(cell.address)")
            if let cached = cell.cached {
                #expect(Self.same(recalculated.value, cached), "\(cell.address): \(recalculated) vs \(cached)")
            }
        }
        // Typed values kept their type: numbers, dates and times as numbers, forced text as text.
        #expect(values["C3"]?.type == "number" && values["C3"]?.value == "45296.0")
        #expect(values["E3"]?.value == "0.12")
        #expect(values["E5"]?.value == "0.5208333333333334")
        #expect(values["A4"]?.type == "text" && values["A4"]?.value == "42")
        #expect(values["A3"]?.type == "boolean")
    }

    @Test func csvTextIsKeptExactly() throws {
        let cells = Self.byCell(try CSVFile.read(Fixtures.url("roundtrip-csv.csv")))
        let expected = ExportCorpus.cells.filter { !$0.typed.isEmpty }
        #expect(cells.count == expected.count)
        for cell in expected {
            #expect(cells[cell.address.description] == cell.typed, "\(cell.address)")
        }
    }
}
