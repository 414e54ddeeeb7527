import Shared

/// Evaluates one formula against the current values. Recursion follows the expression tree only,
/// whose depth the parser bounds; cell-to-cell ordering is the sheet's job, never the evaluator's.
struct FormulaEvaluator {
    let store: CellStore
    /// The cell holding the formula, for implicit intersection.
    let origin: CellAddress
    /// Milliseconds since the Unix epoch, for TODAY and NOW.
    let clock: Int64
    /// Inside SUMPRODUCT and similar, operators and scalar functions work element by element.
    var arrayMode = false

    func evaluateCell(_ expression: FormulaExpression) -> FormulaValue {
        switch evaluate(expression) {
        case .value(let v): return v.isBlank ? .number(0) : v
        case .range(let r):
            let v = intersect(r)
            return v.isBlank ? .number(0) : v
        case .array(let m):
            let v = m.values.first ?? .error(.value)
            return v.isBlank ? .number(0) : v
        }
    }

    func evaluate(_ expression: FormulaExpression) -> Operand {
        switch expression {
        case .number(let n): return .value(.number(n))
        case .text(let t): return .value(.text(t))
        case .boolean(let b): return .value(.boolean(b))
        case .error(let e): return .error(e)
        case .missing: return .value(.blank)
        case .name, .unknownFunction: return .error(.name)
        case .cell(let c):
            guard let address = CellAddress(column: c.column, row: c.row) else { return .error(.ref) }
            return .range(FormulaRange(address))
        case .range(let r):
            guard let start = CellAddress(column: r.start.column, row: r.start.row),
                  let end = CellAddress(column: r.end.column, row: r.end.row) else { return .error(.ref) }
            return .range(FormulaRange(start: start, end: end))
        case .negate(let inner):
            return unary(inner) { v throws(FormulaError) in .checked(-(try ValueCoercion.number(v))) }
        case .identity(let inner):
            return evaluate(inner)
        case .percent(let inner):
            return unary(inner) { v throws(FormulaError) in .checked(try ValueCoercion.number(v) / 100) }
        case .binary(let op, let left, let right):
            return binary(op, evaluate(left), evaluate(right))
        case .call(let index, let arguments):
            return call(FunctionTable.entries[index], arguments)
        }
    }

    // MARK: reducing operands

    func value(of cell: CellAddress) -> FormulaValue { store.value(cell) }

    /// Implicit intersection: a range used where one value is expected picks the cell in the formula's row or column.
    func intersect(_ range: FormulaRange) -> FormulaValue {
        if range.isSingleCell { return store.value(range.start) }
        if range.columnCount == 1, range.start.row...range.end.row ~= origin.row {
            return store.value(CellAddress(column: range.start.column, row: origin.row)!)
        }
        if range.rowCount == 1, range.start.column...range.end.column ~= origin.column {
            return store.value(CellAddress(column: origin.column, row: range.start.row)!)
        }
        return .error(.value)
    }

    func scalar(_ operand: Operand) -> FormulaValue {
        switch operand {
        case .value(let v): return v
        case .range(let r): return intersect(r)
        case .array(let m): return m.values.first ?? .error(.value)
        }
    }

    func matrix(_ operand: Operand) -> ValueMatrix {
        switch operand {
        case .value(let v): return ValueMatrix(v)
        case .array(let m): return m
        case .range(let r):
            guard r.cellCount <= ValueMatrix.maximumCells else { return ValueMatrix(.error(.num)) }
            var values = [FormulaValue](repeating: .blank, count: r.cellCount)
            let width = r.columnCount
            try? store.forEachNonBlank(in: r) { cell, value in
                values[(cell.row - r.start.row) * width + (cell.column - r.start.column)] = value
            }
            return ValueMatrix(rows: r.rowCount, columns: width, values: values)
        }
    }

    private func isMulti(_ operand: Operand) -> Bool {
        switch operand {
        case .value: return false
        case .range(let r): return !r.isSingleCell
        case .array(let m): return m.values.count > 1
        }
    }

    // MARK: operators

    private func unary(_ inner: FormulaExpression, _ f: (FormulaValue) throws(FormulaError) -> FormulaValue) -> Operand {
        let operand = evaluate(inner)
        if arrayMode, isMulti(operand) {
            let m = matrix(operand)
            return .array(ValueMatrix(rows: m.rows, columns: m.columns, values: m.values.map { Self.guarded($0, f) }))
        }
        return .value(Self.guarded(scalar(operand), f))
    }

    private static func guarded(_ v: FormulaValue, _ f: (FormulaValue) throws(FormulaError) -> FormulaValue) -> FormulaValue {
        do { return try f(v) } catch { return .error(error) }
    }

    private func binary(_ op: BinaryOperator, _ left: Operand, _ right: Operand) -> Operand {
        if arrayMode, isMulti(left) || isMulti(right) {
            let a = matrix(left)
            let b = matrix(right)
            let rows = max(a.rows, b.rows)
            let columns = max(a.columns, b.columns)
            var values: [FormulaValue] = []
            values.reserveCapacity(rows * columns)
            for r in 0..<rows {
                for c in 0..<columns {
                    values.append(Self.apply(op, a.broadcastValue(row: r, column: c), b.broadcastValue(row: r, column: c)))
                }
            }
            return .array(ValueMatrix(rows: rows, columns: columns, values: values))
        }
        return .value(Self.apply(op, scalar(left), scalar(right)))
    }

    static func apply(_ op: BinaryOperator, _ a: FormulaValue, _ b: FormulaValue) -> FormulaValue {
        do {
            switch op {
            case .add: return .checked(try ValueCoercion.number(a) + ValueCoercion.number(b))
            case .subtract: return .checked(try ValueCoercion.number(a) - ValueCoercion.number(b))
            case .multiply: return .checked(try ValueCoercion.number(a) * ValueCoercion.number(b))
            case .divide:
                let x = try ValueCoercion.number(a)
                let y = try ValueCoercion.number(b)
                return y == 0 ? .error(.div0) : .checked(x / y)
            case .power:
                return MathFunctions.power(try ValueCoercion.number(a), try ValueCoercion.number(b))
            case .concatenate:
                return .text(try ValueCoercion.text(a) + ValueCoercion.text(b))
            case .equal: return .boolean(try ValueComparison.compare(a, b) == 0)
            case .notEqual: return .boolean(try ValueComparison.compare(a, b) != 0)
            case .less: return .boolean(try ValueComparison.compare(a, b) < 0)
            case .greater: return .boolean(try ValueComparison.compare(a, b) > 0)
            case .lessOrEqual: return .boolean(try ValueComparison.compare(a, b) <= 0)
            case .greaterOrEqual: return .boolean(try ValueComparison.compare(a, b) >= 0)
            }
        } catch {
            return .error(error)
        }
    }

    // MARK: functions

    private func call(_ spec: FunctionSpec, _ arguments: [FormulaExpression]) -> Operand {
        if arrayMode, spec.liftsOverArrays {
            var inner = self
            inner.arrayMode = true
            let operands = arguments.map { inner.evaluate($0) }
            if operands.contains(where: isMulti) {
                return lifted(spec, arguments, operands)
            }
            return invoke(spec, FunctionArguments(spec: spec, expressions: arguments, evaluator: self, precomputed: operands))
        }
        return invoke(spec, FunctionArguments(spec: spec, expressions: arguments, evaluator: self, precomputed: nil))
    }

    private func invoke(_ spec: FunctionSpec, _ arguments: FunctionArguments) -> Operand {
        do {
            return try spec.body(arguments)
        } catch {
            return .error(error)
        }
    }

    /// A scalar function given arrays inside an array context runs once per element.
    private func lifted(_ spec: FunctionSpec, _ arguments: [FormulaExpression], _ operands: [Operand]) -> Operand {
        let matrices = operands.map(matrix)
        let rows = matrices.map(\.rows).max() ?? 1
        let columns = matrices.map(\.columns).max() ?? 1
        var values: [FormulaValue] = []
        values.reserveCapacity(rows * columns)
        for r in 0..<rows {
            for c in 0..<columns {
                let element = matrices.map { Operand.value($0.broadcastValue(row: r, column: c)) }
                let args = FunctionArguments(spec: spec, expressions: arguments, evaluator: self, precomputed: element)
                values.append(scalar(invoke(spec, args)))
            }
        }
        return .array(ValueMatrix(rows: rows, columns: columns, values: values))
    }
}
