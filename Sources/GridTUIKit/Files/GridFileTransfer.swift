import Foundation
import GridClientCore
import GridFiles
import GridFormula
import Shared

/// Reading a file for an import and writing the grid to one for an export, the same for
/// headless scripts, `grid-tui import|export` and the TUI's `:import` / `:export`.
public enum GridFileTransfer {
    /// Reads and checks the whole file (XLSX by its extension, CSV otherwise); a bad one fails
    /// here, naming its line and column, before anything is sent.
    public static func read(_ request: ScriptCommand.FileImport) throws(GridFileError) -> ImportedSheet {
        let url = URL(fileURLWithPath: request.path)
        if url.pathExtension.lowercased() == "xlsx" {
            return try XLSXFile.read(url, sheet: request.sheet, at: request.at)
        }
        return try CSVFile.read(url, at: request.at, delimiter: request.delimiter)
    }

    /// Writes what the grid shows, from A1 (or the range's corner) to its last used cell, as CSV
    /// or XLSX by the file's extension; `formulas` writes formulas rather than their values.
    /// Returns the number of cells written.
    public static func write(_ request: ScriptCommand.FileExport, state: ClientState, computed: ComputedGrid) throws(GridFileError) -> Int {
        let used = state.model.cells.compactMap { $0.value.value == nil ? nil : CellAddress($0.key) }
        let rect = request.range ?? CellRect(
            CellAddress(column: 0, row: 0)!,
            CellAddress(column: used.map(\.column).max() ?? 0, row: used.map(\.row).max() ?? 0)!
        )
        let url = URL(fileURLWithPath: request.path)
        if url.pathExtension.lowercased() == "xlsx" {
            var out: [XLSXFile.Cell] = []
            for address in used where rect.contains(address) {
                guard let raw = state.shownValue(of: address.description).value else { continue }
                let target = CellAddress(column: address.column - rect.low.column, row: address.row - rect.low.row)!
                let isFormula = raw.hasPrefix("=")
                if request.formulas || !isFormula {
                    out.append(XLSXFile.Cell(address: target, typed: raw, cached: isFormula ? cached(computed.sheet.value(address)) : nil))
                } else {
                    out.append(XLSXFile.Cell(address: target, typed: typedValue(computed.sheet.value(address))))
                }
            }
            try XLSXFile.write(out.sorted { ($0.address.row, $0.address.column) < ($1.address.row, $1.address.column) }, to: url)
            return out.count
        }
        var cells = 0
        var rows: [[String]] = []
        for row in rect.low.row...rect.high.row {
            var line: [String] = []
            for column in rect.low.column...rect.high.column {
                let address = CellAddress(column: column, row: row)!
                guard let raw = state.shownValue(of: address.description).value else { line.append(""); continue }
                cells += 1
                line.append(request.formulas ? raw : computed.displayText(address))
            }
            rows.append(line)
        }
        while let last = rows.last, last.allSatisfy(\.isEmpty), rows.count > 1 { rows.removeLast() }
        try CSVFile.write(rows, to: url, delimiter: request.delimiter)
        return cells
    }

    private static func cached(_ value: FormulaValue) -> XLSXFile.CachedValue? {
        switch value {
        case .number(let number): .number(number)
        case .text(let text): .text(text)
        case .boolean(let flag): .boolean(flag)
        case .error(let error): .error(error.rawValue)
        case .blank: nil
        }
    }

    /// A formula's value as typed text, for an export of values only.
    private static func typedValue(_ value: FormulaValue) -> String {
        switch value {
        case .number(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : "\(number)"
        case .text(let text): "'" + text
        case .boolean(let flag): flag ? "TRUE" : "FALSE"
        case .error(let error): error.rawValue
        case .blank: ""
        }
    }
}
