import Shared

/// SUMIF, SUMIFS, COUNTIF, COUNTIFS, AVERAGEIF, AVERAGEIFS. Only cells that hold something are visited,
/// so `COUNTIF(A:A, ">5")` costs the occupied cells, not a million rows.
enum ConditionalFunctions {
    private struct Condition {
        let range: FormulaRange
        let criterion: Criterion
    }

    private static func conditions(_ args: FunctionArguments, from first: Int) throws(FormulaError) -> [Condition] {
        var result: [Condition] = []
        var i = first
        while i + 1 < args.count {
            let range = try args.range(i)
            if let shape = result.first?.range, shape.rowCount != range.rowCount || shape.columnCount != range.columnCount {
                throw .value
            }
            result.append(Condition(range: range, criterion: try Criterion(args.value(i + 1))))
            i += 2
        }
        return result
    }

    private static func offset(of cell: CellAddress, in range: FormulaRange) -> (row: Int, column: Int) {
        (cell.row - range.start.row, cell.column - range.start.column)
    }

    private static func allMatch(_ conditions: [Condition], row: Int, column: Int, store: CellStore) -> Bool {
        conditions.allSatisfy { c in
            guard let cell = c.range.cell(row: row, column: column) else { return false }
            return c.criterion.matches(store.value(cell))
        }
    }

    /// The value range of SUMIF/AVERAGEIF takes its size from the criteria range, anchored at its top-left cell.
    private static func resized(_ range: FormulaRange, like shape: FormulaRange) -> FormulaRange {
        let endColumn = Swift.min(range.start.column + shape.columnCount - 1, CellAddress.maxColumns - 1)
        let endRow = Swift.min(range.start.row + shape.rowCount - 1, CellAddress.maxRows - 1)
        return FormulaRange(start: range.start, end: CellAddress(column: endColumn, row: endRow)!)
    }

    /// Sum and count of the numbers in `values` whose positions satisfy every condition.
    private static func accumulate(_ values: FormulaRange, _ conditions: [Condition],
                                   _ store: CellStore) throws(FormulaError) -> (sum: Double, count: Int) {
        var sum = 0.0
        var count = 0
        // SUMIF without a sum range tests each value itself: no lookup of the cell again.
        let selfCriterion = conditions.count == 1 && conditions[0].range == values ? conditions[0].criterion : nil
        try store.forEachNonBlank(in: values) { cell, v throws(FormulaError) in
            if let selfCriterion {
                guard selfCriterion.matches(v) else { return }
            } else {
                let o = offset(of: cell, in: values)
                guard allMatch(conditions, row: o.row, column: o.column, store: store) else { return }
            }
            if case .error(let e) = v { throw e }
            if let n = try Aggregation.rangeNumber(v) {
                sum += n
                count += 1
            }
        }
        return (sum, count)
    }

    static func sumIf(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let range = try args.range(0)
        let condition = Condition(range: range, criterion: try Criterion(args.value(1)))
        let values = args.isMissing(2) ? range : resized(try args.range(2), like: range)
        return .number(try accumulate(values, [condition], args.store).sum)
    }

    static func sumIfs(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let values = try args.range(0)
        let conditions = try conditions(args, from: 1)
        guard values.rowCount == conditions[0].range.rowCount, values.columnCount == conditions[0].range.columnCount else {
            throw .value
        }
        return .number(try accumulate(values, conditions, args.store).sum)
    }

    static func averageIf(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let range = try args.range(0)
        let condition = Condition(range: range, criterion: try Criterion(args.value(1)))
        let values = args.isMissing(2) ? range : resized(try args.range(2), like: range)
        let result = try accumulate(values, [condition], args.store)
        guard result.count > 0 else { throw .div0 }
        return .number(result.sum / Double(result.count))
    }

    static func averageIfs(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let values = try args.range(0)
        let conditions = try conditions(args, from: 1)
        guard values.rowCount == conditions[0].range.rowCount, values.columnCount == conditions[0].range.columnCount else {
            throw .value
        }
        let result = try accumulate(values, conditions, args.store)
        guard result.count > 0 else { throw .div0 }
        return .number(result.sum / Double(result.count))
    }

    static func countIf(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        .number(Double(try count(try conditions(args, from: 0), args.store)))
    }

    static func countIfs(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        guard args.count % 2 == 0 else { throw .value }
        return .number(Double(try count(try conditions(args, from: 0), args.store)))
    }

    /// Visits the union of occupied positions; blank positions are counted in bulk when every criterion accepts blanks.
    private static func count(_ conditions: [Condition], _ store: CellStore) throws(FormulaError) -> Int {
        guard let shape = conditions.first?.range else { throw .value }
        if conditions.count == 1 {
            // One criterion needs no set of positions: each occupied cell is tested as it is
            // visited (a whole-column COUNTIF in every frame was most of grid-tui's formula time).
            let criterion = conditions[0].criterion
            var n = 0
            var occupied = 0
            try store.forEachNonBlank(in: shape) { _, v in
                occupied += 1
                if criterion.matches(v) { n += 1 }
            }
            return criterion.matchesBlank ? n + shape.cellCount - occupied : n
        }
        var positions = Set<Int>()
        for c in conditions {
            try store.forEachNonBlank(in: c.range) { cell, _ in
                let o = offset(of: cell, in: c.range)
                positions.insert(o.row * shape.columnCount + o.column)
            }
        }
        var n = 0
        for p in positions where allMatch(conditions, row: p / shape.columnCount, column: p % shape.columnCount, store: store) {
            n += 1
        }
        if conditions.allSatisfy(\.criterion.matchesBlank) {
            n += shape.cellCount - positions.count
        }
        return n
    }
}
