import Shared

/// The formula engine for one grid: typed inputs, computed values and the dependency graph between them.
/// A value type: copies are independent, and nothing outside it (clock, machine state) affects results.
public struct FormulaSheet: Sendable {
    var inputs: [CellAddress: CellInput] = [:]
    var store = CellStore()
    var graph = DependencyGraph()
    var volatileCells = Set<CellAddress>()
    var clock: Int64 = 0
    /// Formula evaluations performed so far; lets tests and benchmarks check that recalculation stays incremental.
    public internal(set) var evaluationCount = 0

    public init() {}

    /// Replaces every input and computes everything once. `clock` = ms since epoch for TODAY/NOW.
    public mutating func load(_ raw: [CellAddress: String], clock: Int64) {
        self.clock = clock
        inputs = [:]
        inputs.reserveCapacity(raw.count)
        graph = DependencyGraph()
        volatileCells = []
        var initial: [CellAddress: FormulaValue] = [:]
        initial.reserveCapacity(raw.count)
        var formulas: [CellAddress] = []
        for (cell, text) in raw where !text.isEmpty {
            let input = CellInput(raw: text)
            inputs[cell] = input
            switch input.content {
            case .literal(let value, _):
                initial[cell] = value
            case .formula(let formula):
                // A placeholder keeps the cell in the occupancy index; its real value comes below.
                initial[cell] = .number(0)
                formulas.append(cell)
                graph.add(formula, at: cell)
                if formula.isVolatile { volatileCells.insert(cell) }
            }
        }
        store = CellStore(bulk: initial)
        recalculate(formulas)
    }

    /// Sets (nil clears) one cell's typed text; recomputes what depends on it. Returns every cell whose computed value changed (including `cell`).
    @discardableResult public mutating func set(_ cell: CellAddress, raw: String?) -> Set<CellAddress> {
        set([cell: raw])
    }

    /// Many cells at once (a paste or import), recomputing once. Same return.
    @discardableResult public mutating func set(_ cells: [CellAddress: String?]) -> Set<CellAddress> {
        var previous: [CellAddress: FormulaValue] = [:]
        for (cell, raw) in cells {
            previous[cell] = store.value(cell)
            if let old = inputs[cell]?.formula {
                graph.remove(old, at: cell)
                volatileCells.remove(cell)
            }
            guard let raw, !raw.isEmpty else {
                inputs[cell] = nil
                store.set(.blank, at: cell)
                continue
            }
            let input = CellInput(raw: raw)
            inputs[cell] = input
            switch input.content {
            case .literal(let value, _):
                store.set(value, at: cell)
            case .formula(let formula):
                graph.add(formula, at: cell)
                if formula.isVolatile { volatileCells.insert(cell) }
                if previous[cell]!.isBlank { store.set(.number(0), at: cell) }
            }
        }
        var changed = Set(cells.keys)
        let affected = closure(of: Set(cells.keys), includingSeeds: true)
        var before: [CellAddress: FormulaValue] = [:]
        for cell in affected where previous[cell] == nil { before[cell] = store.value(cell) }
        recalculate(affected.filter { inputs[$0]?.formula != nil })
        for (cell, value) in before where store.value(cell) != value { changed.insert(cell) }
        return changed
    }

    /// New clock: recomputes volatile cells (TODAY/NOW and what depends on them). Returns changed cells.
    @discardableResult public mutating func setClock(_ clock: Int64) -> Set<CellAddress> {
        self.clock = clock
        let affected = closure(of: volatileCells, includingSeeds: true)
        var before: [CellAddress: FormulaValue] = [:]
        for cell in affected { before[cell] = store.value(cell) }
        recalculate(affected.filter { inputs[$0]?.formula != nil })
        return Set(before.compactMap { store.value($0.key) != $0.value ? $0.key : nil })
    }

    public func raw(_ cell: CellAddress) -> String? {
        inputs[cell]?.raw
    }

    public func value(_ cell: CellAddress) -> FormulaValue {
        store.value(cell)
    }

    /// What a grid cell shows: numbers in a "General"-like format (deterministic, ~10 significant digits like LibreOffice's General; a typed date shows as typed ISO date; a leading ' dropped), booleans TRUE/FALSE, errors their code, text as is, blank "".
    public func displayText(_ cell: CellAddress) -> String {
        guard let input = inputs[cell] else { return "" }
        if case .literal(_, let kind) = input.content {
            switch kind {
            case .dateTime: return TypedInput.trimmedText(input.raw)
            case .percent:
                if case .number(let n) = store.value(cell) { return NumberText.display(n * 100) + "%" }
            case .plain, .forcedText: break
            }
        }
        return Self.display(store.value(cell))
    }

    static func display(_ value: FormulaValue) -> String {
        switch value {
        case .number(let n): return NumberText.display(n)
        case .text(let t): return t
        case .boolean(let b): return b ? "TRUE" : "FALSE"
        case .blank: return ""
        case .error(let e): return e.rawValue
        }
    }

    public func isFormula(_ cell: CellAddress) -> Bool {
        inputs[cell]?.formula != nil
    }

    /// Every cell that transitively depends on any of `cells` (not including them unless on a cycle), for "pending" / "depends on contested" marks.
    public func dependents(of cells: Set<CellAddress>) -> Set<CellAddress> {
        closure(of: cells, includingSeeds: false)
    }

    /// The ranges a formula text refers to (for highlighting while editing); [] when not a formula or not parseable so far.
    public static func references(in text: String) -> [FormulaRange] {
        guard text.hasPrefix("=") else { return [] }
        guard let tokens = try? FormulaLexer.tokenize(String(text.dropFirst())) else { return [] }
        return tokens.compactMap { token in
            switch token {
            case .cell(let c):
                return CellAddress(column: c.column, row: c.row).map { FormulaRange($0) }
            case .range(let r):
                guard let s = CellAddress(column: r.start.column, row: r.start.row),
                      let e = CellAddress(column: r.end.column, row: r.end.row) else { return nil }
                return FormulaRange(start: s, end: e)
            default:
                return nil
            }
        }
    }

    /// Number alignment for display: true when the computed value is a number (right-aligned in the grid).
    public func isNumeric(_ cell: CellAddress) -> Bool {
        if case .number = store.value(cell) { return true }
        return false
    }
}
