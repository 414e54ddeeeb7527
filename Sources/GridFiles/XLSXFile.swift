import Foundation
import Shared

/// XLSX import and export: one sheet's values and formulas.
///
/// Import reads the first sheet in tab order, or the one named; cells come back as typed text
/// (see `read`). Export writes one sheet with each formula's cached value, so a reader that does
/// not recalculate still shows the values, and LibreOffice and Excel both open it.
public enum XLSXFile {
    /// One cell to export: its text as typed (a formula or a value) and, for formulas, the value to
    /// store with it.
    public struct Cell: Sendable, Hashable {
        public var address: CellAddress
        /// As typed in CollabGrid: `=` starts a formula; `'` forces text; numbers, TRUE/FALSE,
        /// percentages and ISO dates/times are written as typed numbers with a matching format.
        public var typed: String
        /// For formulas, the value it computed. Nil leaves `<v>` out and asks readers to
        /// recalculate on open. Ignored for other cells, whose typed text says what they are.
        public var cached: CachedValue?

        public init(address: CellAddress, typed: String, cached: CachedValue? = nil) {
            self.address = address
            self.typed = typed
            self.cached = cached
        }
    }

    /// A formula's computed value as stored in the file.
    public enum CachedValue: Sendable, Hashable {
        case number(Double)
        case text(String)
        case boolean(Bool)
        /// The error as Excel spells it: `#DIV/0!`, `#N/A`, `#NAME?`, `#NUM!`, `#REF!`, `#VALUE!`, `#NULL!`.
        case error(String)
    }

    /// Reads one sheet: the first by default, or `sheet` by name (exact, else ignoring case).
    /// Shared and inline strings, numbers, booleans and formulas (`=` plus the formula, without
    /// `_xlfn.` prefixes; shared formulas moved to each cell). Numbers whose format is a date become
    /// ISO text `yyyy-mm-dd` (with ` hh:mm:ss` when there is a time), times `hh:mm:ss`, which
    /// CollabGrid reads back as the same serial. Text that would read as a number, date, boolean or
    /// formula gets a leading `'`. Every cell is checked against `limits` first; nothing partial.
    public static func read(
        _ url: URL,
        sheet: String? = nil,
        at origin: CellAddress = CellAddress(column: 0, row: 0)!,
        limits: ImportLimits = .init()
    ) throws(GridFileError) -> ImportedSheet {
        let data = try FileIO.read(url)
        return try read(data: data, sheet: sheet, at: origin, limits: limits, name: FileIO.displayName(url))
    }

    /// Reads XLSX bytes from memory. `name` is what errors call the input.
    public static func read(
        data: Data,
        sheet: String? = nil,
        at origin: CellAddress = CellAddress(column: 0, row: 0)!,
        limits: ImportLimits = .init(),
        name: String? = nil
    ) throws(GridFileError) -> ImportedSheet {
        do {
            return try XLSXReader(data: data).read(sheet: sheet, origin: origin, limits: limits)
        } catch {
            throw error.naming(name)
        }
    }

    /// The workbook's sheet names in tab order, for choosing one.
    public static func sheetNames(data: Data, name: String? = nil) throws(GridFileError) -> [String] {
        do {
            return try XLSXReader(data: data).sheetNames()
        } catch {
            throw error.naming(name)
        }
    }

    /// Writes `cells` as a one-sheet workbook, replacing the file atomically. Formulas are stored in
    /// `<f>` with the `_xlfn.` prefixes Excel needs, and `<v>` their cached value.
    public static func write(_ cells: [Cell], sheetName: String = "Sheet1", to url: URL) throws(GridFileError) {
        let data: Data
        do {
            data = try encode(cells, sheetName: sheetName)
        } catch {
            throw error.naming(FileIO.displayName(url))
        }
        try FileIO.write(data, to: url)
    }

    /// The bytes `write` would store.
    public static func encode(_ cells: [Cell], sheetName: String = "Sheet1") throws(GridFileError) -> Data {
        try XLSXWriter.encode(cells, sheetName: sheetName)
    }
}
