/// A rectangle of cells, such as `B2:E31`: a selection, a pasted block, a sorted range.
public struct CellRect: Hashable, Sendable, CustomStringConvertible {
    /// The top-left cell.
    public let low: CellAddress
    /// The bottom-right cell.
    public let high: CellAddress

    /// The rectangle with `a` and `b` at opposite corners, in either order.
    public init(_ a: CellAddress, _ b: CellAddress) {
        low = CellAddress(column: min(a.column, b.column), row: min(a.row, b.row))!
        high = CellAddress(column: max(a.column, b.column), row: max(a.row, b.row))!
    }

    /// `A1:C3` or a single cell `A1`, case-insensitive.
    public init?(_ text: some StringProtocol) {
        let ends = text.split(separator: ":", omittingEmptySubsequences: false)
        switch ends.count {
        case 1:
            guard let cell = CellAddress(ends[0]) else { return nil }
            self.init(cell, cell)
        case 2:
            guard let from = CellAddress(ends[0]), let to = CellAddress(ends[1]) else { return nil }
            self.init(from, to)
        default:
            return nil
        }
    }

    /// The rectangle of `rows` × `columns` cells from `origin`, cut at the grid's edge; nil when
    /// empty.
    public init?(origin: CellAddress, rows: Int, columns: Int) {
        guard rows > 0, columns > 0 else { return nil }
        let last = CellAddress(
            column: min(CellAddress.maxColumns - 1, origin.column + columns - 1),
            row: min(CellAddress.maxRows - 1, origin.row + rows - 1)
        )!
        self.init(origin, last)
    }

    public var rows: Int { high.row - low.row + 1 }
    public var columns: Int { high.column - low.column + 1 }
    public var count: Int { rows * columns }

    public func contains(_ cell: CellAddress) -> Bool {
        (low.column...high.column).contains(cell.column) && (low.row...high.row).contains(cell.row)
    }

    /// Every cell, row by row.
    public var cells: [CellAddress] {
        var result: [CellAddress] = []
        result.reserveCapacity(count)
        for row in low.row...high.row {
            for column in low.column...high.column { result.append(CellAddress(column: column, row: row)!) }
        }
        return result
    }

    public var description: String { low == high ? low.description : "\(low):\(high)" }
}
