/// A rectangular block of values in row-major order, produced by array expressions such as `A1:A5*2`.
struct ValueMatrix: Sendable, Hashable {
    /// Materialising more cells than this is refused with `#NUM!` rather than exhausting memory.
    static let maximumCells = 4_194_304

    let rows: Int
    let columns: Int
    var values: [FormulaValue]

    init(rows: Int, columns: Int, values: [FormulaValue]) {
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    init(_ value: FormulaValue) {
        self.init(rows: 1, columns: 1, values: [value])
    }

    subscript(row: Int, column: Int) -> FormulaValue {
        values[row * columns + column]
    }

    /// Excel's broadcasting: a single row or column stretches; positions outside a smaller operand are `#N/A`.
    func broadcastValue(row: Int, column: Int) -> FormulaValue {
        let r = rows == 1 ? 0 : row
        let c = columns == 1 ? 0 : column
        guard r < rows, c < columns else { return .error(.na) }
        return self[r, c]
    }
}
