import Shared

/// How the grid area splits into the header row, the row-number column and the cell columns,
/// for a given top row. Only the visible columns are ever computed, wherever the viewport is
/// on the 16,384 × 1,048,576 grid.
public struct GridGeometry: Hashable, Sendable {
    public struct VisibleColumn: Hashable, Sendable {
        public var index: Int
        /// Screen column where it starts.
        public var x: Int
        /// Full width, the gap after the text included.
        public var width: Int
        /// How much of it fits on screen (less than `width` for a cut-off last column).
        public var visibleWidth: Int
    }

    public let area: Rect
    public let rowHeaderWidth: Int
    /// Rows of cells (the header row excluded).
    public let dataRows: Int
    /// Screen columns for cells (the row numbers excluded).
    public let dataWidth: Int

    public init(area: Rect, topRow: Int) {
        self.area = area
        self.dataRows = max(0, area.height - 1)
        let lastRow = min(CellAddress.maxRows, topRow + max(1, dataRows))
        self.rowHeaderWidth = max(3, String(lastRow).count) + 1
        self.dataWidth = max(0, area.width - rowHeaderWidth)
    }

    /// The columns shown from `left` on, the last one possibly cut off by the area's edge.
    public func columns(from left: Int, widths: ColumnWidths) -> [VisibleColumn] {
        var result: [VisibleColumn] = []
        var x = area.column + rowHeaderWidth
        var index = left
        while x < area.right && index < CellAddress.maxColumns {
            let width = widths[index]
            result.append(VisibleColumn(index: index, x: x, width: width, visibleWidth: min(width, area.right - x)))
            x += width
            index += 1
        }
        return result
    }

    /// The leftmost first column that still shows `column` whole (or at least its start).
    public func leftmostOrigin(showing column: Int, widths: ColumnWidths) -> Int {
        var left = column
        var used = widths[column]
        while left > 0 && used + widths[left - 1] <= dataWidth {
            left -= 1
            used += widths[left]
        }
        return left
    }

    /// Whether `column` is shown whole when the first column is `left`.
    public func showsWhole(_ column: Int, from left: Int, widths: ColumnWidths) -> Bool {
        guard column >= left else { return false }
        var used = 0
        for index in left...column {
            used += widths[index]
            if used > dataWidth { return index == left && column == left }
        }
        return true
    }
}
