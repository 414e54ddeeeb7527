import Shared

/// How large an import may be. Imports check every cell against these before returning anything,
/// so a file that breaks a limit is rejected whole.
public struct ImportLimits: Sendable, Hashable {
    /// Columns of the destination grid: a cell at column index `maxColumns` or beyond is out of bounds.
    public var maxColumns = CellAddress.maxColumns
    /// Rows of the destination grid.
    public var maxRows = CellAddress.maxRows
    /// Longest value, in UTF-8 bytes, of one cell's text as typed.
    public var maxValueBytes = 8_192

    public init() {}

    public init(maxColumns: Int = CellAddress.maxColumns, maxRows: Int = CellAddress.maxRows, maxValueBytes: Int = 8_192) {
        self.maxColumns = maxColumns
        self.maxRows = maxRows
        self.maxValueBytes = maxValueBytes
    }

    /// Limits larger than the addressable grid are capped by it, since no `CellAddress` exists past it.
    var effectiveColumns: Int { min(max(maxColumns, 0), CellAddress.maxColumns) }
    var effectiveRows: Int { min(max(maxRows, 0), CellAddress.maxRows) }
}
