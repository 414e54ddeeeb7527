import Shared

/// VLOOKUP, HLOOKUP, XLOOKUP, MATCH, INDEX, CHOOSE, ROWS, COLUMNS.
enum LookupFunctions {
    /// A one-dimensional view of a range or array listing only its non-blank entries. Column ranges
    /// borrow the store's sorted arrays, so a lookup table is never copied.
    private struct Vector {
        let length: Int
        let offsets: ArraySlice<Int>
        let base: Int
        let values: ArraySlice<FormulaValue>

        var count: Int { offsets.count }
        func offset(_ k: Int) -> Int { offsets[offsets.startIndex + k] - base }
        func value(_ k: Int) -> FormulaValue { values[values.startIndex + k] }
    }

    private static func vector(_ operand: Operand, _ args: FunctionArguments) throws(FormulaError) -> Vector {
        switch operand {
        case .range(let r):
            if r.columnCount == 1 {
                let slice = args.store.columnSlice(r.start.column, rows: r.start.row...r.end.row)
                return Vector(length: r.rowCount, offsets: slice.rows, base: r.start.row, values: slice.values)
            }
            guard r.rowCount == 1 else { throw .na }
            var offsets: [Int] = []
            var values: [FormulaValue] = []
            try args.store.forEachNonBlank(in: r) { cell, v in
                offsets.append(cell.column - r.start.column)
                values.append(v)
            }
            return Vector(length: r.columnCount, offsets: offsets[...], base: 0, values: values[...])
        case .array(let m):
            guard m.rows == 1 || m.columns == 1 else { throw .na }
            let kept = m.values.indices.filter { !m.values[$0].isBlank }
            return Vector(length: m.values.count, offsets: kept[...], base: 0, values: kept.map { m.values[$0] }[...])
        case .value(.error(let e)):
            throw e
        case .value(let v):
            return Vector(length: 1, offsets: v.isBlank ? [] : [0], base: 0, values: v.isBlank ? [] : [v])
        }
    }

    /// Exact match, honouring wildcards when the sought value is text (LibreOffice with wildcards on).
    /// `numericText`: text that reads as a number also finds that number (LibreOffice's VLOOKUP and MATCH).
    private static func exactIndex(_ sought: FormulaValue, in vector: Vector, reverse: Bool = false,
                                   wildcards: Bool = true, numericText: Bool = true) -> Int? {
        var soughtNumber: Double?
        if numericText, case .text(let t) = sought { soughtNumber = TypedInput.number(from: t) }
        let pattern: WildcardPattern?
        if wildcards, case .text(let t) = sought {
            let p = WildcardPattern(t)
            pattern = p.hasWildcards ? p : nil
        } else {
            pattern = nil
        }
        func matches(_ v: FormulaValue) -> Bool {
            if let pattern, case .text(let t) = v { return pattern.matches(t) }
            if let soughtNumber, case .number(let n) = v { return ValueComparison.approximatelyEqual(n, soughtNumber) }
            return ValueComparison.lookupEqual(sought, v)
        }
        // Iterating the slices directly keeps one reference to the store's arrays for the whole scan.
        if reverse {
            for (offset, v) in zip(vector.offsets, vector.values).reversed() where matches(v) { return offset - vector.base }
        } else {
            for (offset, v) in zip(vector.offsets, vector.values) where matches(v) { return offset - vector.base }
        }
        return nil
    }

    /// Binary search over values of the sought value's type, as in Excel's sorted lookups:
    /// the last position whose value is <= sought (ascending) or >= sought (descending).
    private static func sortedIndex(_ sought: FormulaValue, in vector: Vector, descending: Bool) -> Int? {
        var low = 0
        var high = vector.count
        while low < high {
            let mid = (low + high) / 2
            let order = (try? ValueComparison.compare(vector.value(mid), sought)) ?? 0
            if descending ? order >= 0 : order <= 0 { low = mid + 1 } else { high = mid }
        }
        // Entries of another type never match; step back to the nearest one of the sought type.
        var k = low - 1
        while k >= 0, !sameKind(vector.value(k), sought) { k -= 1 }
        return k >= 0 ? vector.offset(k) : nil
    }

    private static func sameKind(_ a: FormulaValue, _ b: FormulaValue) -> Bool {
        switch (a, b) {
        case (.number, .number), (.text, .text), (.boolean, .boolean): return true
        default: return false
        }
    }

    private static func lookupValue(_ args: FunctionArguments) throws(FormulaError) -> FormulaValue {
        let v = try args.checkedValue(0)
        return v.isBlank ? .number(0) : v
    }

    static func vlookup(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        try tableLookup(args, vertical: true)
    }

    static func hlookup(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        try tableLookup(args, vertical: false)
    }

    private static func tableLookup(_ args: FunctionArguments, vertical: Bool) throws(FormulaError) -> Operand {
        let sought = try lookupValue(args)
        let table = try args.range(1)
        let index = try args.integer(2)
        let sorted = try args.boolean(3, default: true)
        guard index >= 1 else { throw .value }
        guard index <= (vertical ? table.columnCount : table.rowCount) else { throw .ref }
        let key = vertical
            ? FormulaRange(start: table.start, end: CellAddress(column: table.start.column, row: table.end.row)!)
            : FormulaRange(start: table.start, end: CellAddress(column: table.end.column, row: table.start.row)!)
        let keys = try vector(.range(key), args)
        guard let position = sorted ? sortedIndex(sought, in: keys, descending: false) : exactIndex(sought, in: keys) else {
            throw .na
        }
        let cell = vertical ? table.cell(row: position, column: index - 1)! : table.cell(row: index - 1, column: position)!
        return .range(FormulaRange(cell))
    }

    static func match(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let sought = try lookupValue(args)
        let keys = try vector(args.operand(1), args)
        let type = try args.integer(2, default: 1)
        let found: Int?
        switch type {
        case 0: found = exactIndex(sought, in: keys)
        case let t where t > 0: found = sortedIndex(sought, in: keys, descending: false)
        default: found = sortedIndex(sought, in: keys, descending: true)
        }
        guard let found else { throw .na }
        return .number(Double(found + 1))
    }

    /// Excel's XLOOKUP (LibreOffice 7.4 lacks it): match_mode 0 exact, -1 exact or next smaller,
    /// 1 exact or next larger, 2 wildcard; search_mode 1 first-to-last, -1 last-to-first, ±2 binary.
    static func xlookup(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let sought = try lookupValue(args)
        let lookup = args.operand(1)
        let returns = args.operand(2)
        let matchMode = try args.integer(4, default: 0)
        let searchMode = try args.integer(5, default: 1)
        guard [-1, 0, 1, 2].contains(matchMode), [-2, -1, 1, 2].contains(searchMode) else { throw .value }
        let keys = try vector(lookup, args)
        let reverse = searchMode == -1 || searchMode == -2
        var found: Int?
        switch matchMode {
        case 0: found = exactIndex(sought, in: keys, reverse: reverse, wildcards: false, numericText: false)
        case 2: found = exactIndex(sought, in: keys, reverse: reverse, wildcards: true, numericText: false)
        default:
            found = exactIndex(sought, in: keys, reverse: reverse, wildcards: false, numericText: false)
            if found == nil { found = nearest(sought, in: keys, larger: matchMode == 1, reverse: reverse) }
        }
        guard let position = found else {
            if !args.isMissing(3) { return args.operand(3) }
            throw .na
        }
        return try pick(position, from: returns, length: keys.length, args)
    }

    private static func nearest(_ sought: FormulaValue, in vector: Vector, larger: Bool, reverse: Bool) -> Int? {
        var best: (offset: Int, value: FormulaValue)?
        let indices = reverse ? Array((0..<vector.count).reversed()) : Array(0..<vector.count)
        for k in indices where sameKind(vector.value(k), sought) {
            let v = vector.value(k)
            guard let order = try? ValueComparison.compare(v, sought) else { continue }
            guard larger ? order > 0 : order < 0 else { continue }
            if let current = best, let better = try? ValueComparison.compare(v, current.value),
               larger ? better >= 0 : better <= 0 {
                continue
            }
            best = (vector.offset(k), v)
        }
        return best?.offset
    }

    /// The row or column of `returns` at `position`, oriented like the lookup vector.
    private static func pick(_ position: Int, from returns: Operand, length: Int,
                             _ args: FunctionArguments) throws(FormulaError) -> Operand {
        switch returns {
        case .range(let r):
            if r.rowCount == length {
                let top = CellAddress(column: r.start.column, row: r.start.row + position)!
                return .range(FormulaRange(start: top, end: CellAddress(column: r.end.column, row: top.row)!))
            }
            if r.columnCount == length {
                let left = CellAddress(column: r.start.column + position, row: r.start.row)!
                return .range(FormulaRange(start: left, end: CellAddress(column: left.column, row: r.end.row)!))
            }
            throw .value
        case .array(let m):
            if m.rows == length { return .array(ValueMatrix(rows: 1, columns: m.columns,
                                                            values: (0..<m.columns).map { m[position, $0] })) }
            if m.columns == length { return .array(ValueMatrix(rows: m.rows, columns: 1,
                                                               values: (0..<m.rows).map { m[$0, position] })) }
            throw .value
        case .value(let v):
            guard length == 1 else { throw .value }
            return .value(v)
        }
    }

    /// INDEX(range, row, [column]): a reference, so `SUM(INDEX(A1:B5, 0, 2))` sums a column. 0 selects all.
    static func index(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let source = args.operand(0)
        var row = try args.integer(1, default: 0)
        var column = try args.integer(2, default: 0)
        guard row >= 0, column >= 0 else { throw .value }
        switch source {
        case .range(let r):
            // A single row or column takes one index for its long side, as in Excel.
            if args.count < 3 || args.isMissing(2), r.rowCount == 1, r.columnCount > 1 {
                column = row
                row = 1
            }
            guard row <= r.rowCount, column <= r.columnCount else { throw .ref }
            let top = row == 0 ? r.start.row : r.start.row + row - 1
            let bottom = row == 0 ? r.end.row : top
            let left = column == 0 ? r.start.column : r.start.column + column - 1
            let right = column == 0 ? r.end.column : left
            return .range(FormulaRange(start: CellAddress(column: left, row: top)!,
                                       end: CellAddress(column: right, row: bottom)!))
        case .array(let m):
            if args.count < 3 || args.isMissing(2), m.rows == 1 {
                column = row
                row = 1
            }
            guard row <= m.rows, column <= m.columns, row > 0 || m.rows == 1, column > 0 || m.columns == 1 else {
                throw .ref
            }
            return .value(m[Swift.max(row, 1) - 1, Swift.max(column, 1) - 1])
        case .value(let v):
            if case .error(let e) = v { throw e }
            guard row <= 1, column <= 1 else { throw .ref }
            return .value(v)
        }
    }

    static func choose(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let i = try args.integer(0)
        guard i >= 1, i < args.count else { throw .value }
        return args.operand(i)
    }

    private static func dimensions(_ operand: Operand) throws(FormulaError) -> (rows: Int, columns: Int) {
        switch operand {
        case .range(let r): return (r.rowCount, r.columnCount)
        case .array(let m): return (m.rows, m.columns)
        case .value(.error(let e)): throw e
        case .value: return (1, 1)
        }
    }

    static func rows(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        .number(Double(try dimensions(args.operand(0)).rows))
    }

    static func columns(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        .number(Double(try dimensions(args.operand(0)).columns))
    }
}
