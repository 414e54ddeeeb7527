import Shared

/// The cells an import produced, ready to be typed into a grid.
public struct ImportedSheet: Sendable {
    /// Non-empty cells in reading order (row-major), each with its text as a person would type it:
    /// formulas start with `=`, text that would read as something else starts with `'`.
    public var cells: [(CellAddress, String)]
    /// The sheet the cells came from (XLSX); nil for CSV.
    public var sheetName: String?

    public init(cells: [(CellAddress, String)], sheetName: String? = nil) {
        self.cells = cells
        self.sheetName = sheetName
    }
}
