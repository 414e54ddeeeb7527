import Shared

/// A parsed formula and the references it reads, split into plain cells and large ranges.
struct FormulaCell: Sendable {
    /// Ranges up to this many cells become per-cell edges; larger ones go to the range index.
    static let expansionLimit = 64

    /// nil when the text does not parse (shown as `#ERROR!`).
    let expression: FormulaExpression?
    let cells: [CellAddress]
    let ranges: [FormulaRange]
    let isVolatile: Bool

    init(text: String) {
        let body = String(text.dropFirst())
        guard let expression = try? FormulaParser.parse(body) else {
            self.expression = nil
            cells = []
            ranges = []
            isVolatile = false
            return
        }
        self.expression = expression
        var cells = Set<CellAddress>()
        var ranges = Set<FormulaRange>()
        var volatile = false
        // An explicit work list: the tree is shallow, but walking it needs no recursion at all.
        var pending = [expression]
        while let node = pending.popLast() {
            switch node {
            case .cell(let c):
                if let a = CellAddress(column: c.column, row: c.row) { cells.insert(a) }
            case .range(let r):
                guard let s = CellAddress(column: r.start.column, row: r.start.row),
                      let e = CellAddress(column: r.end.column, row: r.end.row) else { continue }
                let range = FormulaRange(start: s, end: e)
                if range.cellCount <= Self.expansionLimit {
                    for row in range.start.row...range.end.row {
                        for column in range.start.column...range.end.column {
                            cells.insert(CellAddress(column: column, row: row)!)
                        }
                    }
                } else {
                    ranges.insert(range)
                }
            case .negate(let inner), .identity(let inner), .percent(let inner):
                pending.append(inner)
            case .binary(_, let left, let right):
                pending.append(left)
                pending.append(right)
            case .call(let index, let arguments):
                if FunctionTable.entries[index].isVolatile { volatile = true }
                pending.append(contentsOf: arguments)
            case .number, .text, .boolean, .error, .name, .missing, .unknownFunction:
                break
            }
        }
        self.cells = cells.sorted()
        self.ranges = ranges.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
        isVolatile = volatile
    }
}
