import Shared

/// A normalised rectangle of cells; whole columns and rows are clamped to the grid bounds.
public struct FormulaRange: Sendable, Hashable {
    public var start: CellAddress
    public var end: CellAddress

    public init(start: CellAddress, end: CellAddress) {
        let top = min(start.row, end.row)
        let bottom = max(start.row, end.row)
        let left = min(start.column, end.column)
        let right = max(start.column, end.column)
        // Both corners come from valid addresses, so their min/max corners are valid too.
        self.start = CellAddress(column: left, row: top)!
        self.end = CellAddress(column: right, row: bottom)!
    }

    public init(_ cell: CellAddress) {
        self.start = cell
        self.end = cell
    }

    public var rowCount: Int { end.row - start.row + 1 }
    public var columnCount: Int { end.column - start.column + 1 }
    public var cellCount: Int { rowCount * columnCount }
    public var isSingleCell: Bool { start == end }

    public func contains(_ cell: CellAddress) -> Bool {
        cell.column >= start.column && cell.column <= end.column && cell.row >= start.row && cell.row <= end.row
    }

    /// The cell at a zero-based offset inside the range, or nil outside it.
    func cell(row: Int, column: Int) -> CellAddress? {
        guard row >= 0, row < rowCount, column >= 0, column < columnCount else { return nil }
        return CellAddress(column: start.column + column, row: start.row + row)
    }
}
