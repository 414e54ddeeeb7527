import Shared

/// Who reads whom. Single cells and small ranges are plain edges; large ranges live in a `RangeIndex`.
struct DependencyGraph: Sendable {
    private var cellDependents: [CellAddress: Set<CellAddress>] = [:]
    private var ranges = RangeIndex()

    init() {}

    mutating func add(_ formula: FormulaCell, at cell: CellAddress) {
        for precedent in formula.cells { cellDependents[precedent, default: []].insert(cell) }
        for range in formula.ranges { ranges.add(range, dependent: cell) }
    }

    mutating func remove(_ formula: FormulaCell, at cell: CellAddress) {
        for precedent in formula.cells {
            cellDependents[precedent]?.remove(cell)
            if cellDependents[precedent]?.isEmpty == true { cellDependents[precedent] = nil }
        }
        for range in formula.ranges { ranges.remove(range, dependent: cell) }
    }

    /// Direct dependents of `cell`; a formula may be reported more than once if it reads the cell twice.
    func forEachDependent(of cell: CellAddress, _ body: (CellAddress) -> Void) {
        if let direct = cellDependents[cell] {
            for dependent in direct { body(dependent) }
        }
        ranges.forEachDependent(of: cell, body)
    }
}
