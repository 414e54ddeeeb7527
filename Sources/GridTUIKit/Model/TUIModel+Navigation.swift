import Shared

/// Moving the cell cursor and keeping it in view.
extension TUIModel {
    mutating func move(columns: Int, rows: Int) {
        let column = min(CellAddress.maxColumns - 1, max(0, cursor.column + columns))
        let row = min(CellAddress.maxRows - 1, max(0, cursor.row + rows))
        moveCursor(to: CellAddress(column: column, row: row)!)
    }

    public mutating func moveCursor(to address: CellAddress) {
        cursor = address
        keepCursorInView()
    }

    mutating func moveToFirstColumn() {
        moveCursor(to: CellAddress(column: 0, row: cursor.row)!)
    }

    /// End goes to the last non-empty cell of the row, or to the grid's last column (XFD) when
    /// the row is empty or the cursor is already there.
    mutating func moveToLastUsedColumn() {
        var last: Int?
        for (cell, content) in state.model.cells where content.value != nil {
            guard let address = CellAddress(cell), address.row == cursor.row else { continue }
            last = max(last ?? address.column, address.column)
        }
        let target = last.flatMap { $0 > cursor.column ? $0 : nil } ?? CellAddress.maxColumns - 1
        moveCursor(to: CellAddress(column: target, row: cursor.row)!)
    }

    /// Scrolls the viewport the least needed to show the cursor's cell whole.
    mutating func keepCursorInView() {
        let rows = max(1, GridGeometry(area: layout.grid, topRow: origin.row).dataRows)
        var top = origin.row
        if cursor.row < top { top = cursor.row }
        if cursor.row >= top + rows { top = cursor.row - rows + 1 }
        top = min(max(0, top), CellAddress.maxRows - 1)
        let geometry = GridGeometry(area: layout.grid, topRow: top)
        var left = origin.column
        if cursor.column < left {
            left = cursor.column
        } else if !geometry.showsWhole(cursor.column, from: left, widths: widths) {
            left = geometry.leftmostOrigin(showing: cursor.column, widths: widths)
        }
        origin = CellAddress(column: left, row: top)!
    }
}
