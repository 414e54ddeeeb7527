import GridFormula
import Shared

/// The cells a paste, cut, clear, fill or sort writes, worked out from what the grid holds, as
/// one list of changes for one multi-cell edit (bases are added by the client core). Pure.
///
/// Every cell of the target range that holds or will hold something is in the list, even where
/// its text stays the same: the edit was computed from those cells, so if anyone changed one of
/// them meanwhile, the whole edit must lose rather than mix with their change.
public enum RangeEdits {
    /// A block copied from the grid, with the cell it came from, so that a paste elsewhere can
    /// shift its relative references.
    public struct Block: Hashable, Sendable {
        public var origin: CellAddress
        /// rows × columns of cell text; nil is an empty cell.
        public var rows: [[String?]]

        public init(origin: CellAddress, rows: [[String?]]) {
            self.origin = origin
            self.rows = rows
        }

        public init(copying rect: CellRect, raw: (CellAddress) -> String?) {
            origin = rect.low
            rows = (rect.low.row...rect.high.row).map { row in
                (rect.low.column...rect.high.column).map { raw(CellAddress(column: $0, row: row)!) }
            }
        }

        public var columns: Int { rows.map(\.count).max() ?? 0 }

        /// Tab-separated text, one line per row, as other spreadsheets put on the clipboard.
        public var tabSeparated: String {
            rows.map { row in row.map { ($0 ?? "").replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\t") }
                .joined(separator: "\n")
        }
    }

    /// The block written with its top-left cell at `target`, formulas' relative references
    /// shifted by the distance moved and `$` references kept; cells past the grid's edge are cut.
    public static func paste(_ block: Block, at target: CellAddress, raw: (CellAddress) -> String?) -> [CellChange] {
        let dc = target.column - block.origin.column
        let dr = target.row - block.origin.row
        var changes: [CellChange] = []
        for (r, row) in block.rows.enumerated() {
            for (c, text) in row.enumerated() {
                guard let cell = CellAddress(column: target.column + c, row: target.row + r) else { continue }
                let value = text.map { FormulaRewriter.shift($0, columns: dc, rows: dr) }
                if value == nil && raw(cell) == nil { continue }
                changes.append(CellChange(cell: cell.description, value: value))
            }
        }
        return changes
    }

    /// Clears every cell of the range that holds something.
    public static func clear(_ rect: CellRect, raw: (CellAddress) -> String?) -> [CellChange] {
        rect.cells.filter { raw($0) != nil }.map { CellChange(cell: $0.description) }
    }

    public enum Direction: Sendable { case down, right }

    /// Fill down (each column) or right (each row) of the range. The seeds are the filled cells
    /// at the start of each line (the first cell alone when the whole line is filled). Two or
    /// more seeds that are numbers, or ISO dates, with one step between them continue as a
    /// series; anything else repeats, formulas shifted to each cell they land in.
    public static func fill(_ rect: CellRect, _ direction: Direction, raw: (CellAddress) -> String?) -> [CellChange] {
        var changes: [CellChange] = []
        let lines = direction == .down ? rect.columns : rect.rows
        let length = direction == .down ? rect.rows : rect.columns
        for line in 0..<lines {
            func address(_ step: Int) -> CellAddress {
                direction == .down
                    ? CellAddress(column: rect.low.column + line, row: rect.low.row + step)!
                    : CellAddress(column: rect.low.column + step, row: rect.low.row + line)!
            }
            var seeds: [String] = []
            while seeds.count < length, let text = raw(address(seeds.count)) { seeds.append(text) }
            if seeds.count == length { seeds = [seeds[0]] }
            guard !seeds.isEmpty else { continue }
            let series = Series(seeds)
            for step in seeds.count..<length {
                let value: String
                if let series {
                    value = series.value(at: step)
                } else {
                    let source = step % seeds.count
                    let distance = step - source
                    value = FormulaRewriter.shift(seeds[source], columns: direction == .right ? distance : 0, rows: direction == .down ? distance : 0)
                }
                changes.append(CellChange(cell: address(step).description, value: value))
            }
        }
        return changes
    }

    /// A run of numbers or ISO dates with one step between them.
    struct Series {
        enum Kind { case number(first: Double, step: Double), date(first: Int, step: Int) }
        let kind: Kind

        init?(_ seeds: [String]) {
            guard seeds.count >= 2 else { return nil }
            if let numbers = Self.all(seeds, Self.number), let step = Self.step(numbers) {
                kind = .number(first: numbers[0], step: step)
            } else if let days = Self.all(seeds, Self.days), let step = Self.step(days.map(Double.init)), step == step.rounded() {
                kind = .date(first: days[0], step: Int(step))
            } else {
                return nil
            }
        }

        func value(at index: Int) -> String {
            switch kind {
            case .number(let first, let step):
                let value = first + step * Double(index)
                return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
            case .date(let first, let step):
                let date = CivilCalendar.date(fromDays: first + step * index)
                return String(format: "%04d-%02d-%02d", date.year, date.month, date.day)
            }
        }

        private static func all<T>(_ seeds: [String], _ parse: (String) -> T?) -> [T]? {
            var values: [T] = []
            for seed in seeds {
                guard let value = parse(seed) else { return nil }
                values.append(value)
            }
            return values
        }

        /// The one step between neighbours, if there is one.
        private static func step(_ values: [Double]) -> Double? {
            let step = values[1] - values[0]
            for index in 1..<values.count where abs(values[index] - values[index - 1] - step) > 1e-9 * max(1, abs(step)) {
                return nil
            }
            return step
        }

        static func number(_ text: String) -> Double? {
            guard !text.hasPrefix("="), let first = text.first, first.isNumber || first == "-" || first == "." else { return nil }
            return Double(text)
        }

        /// `YYYY-MM-DD` as days since the epoch.
        static func days(_ text: String) -> Int? {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
                let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
                (1...12).contains(month), (1...31).contains(day)
            else { return nil }
            let days = CivilCalendar.days(year: year, month: month, day: day)
            let back = CivilCalendar.date(fromDays: days)
            return back == (year, month, day) ? days : nil
        }
    }

    /// What sorting compares: numbers first (by value), then text (ignoring case), then empty
    /// cells, which stay last in both directions.
    public enum SortKey: Comparable, Sendable {
        case number(Double)
        case text(String)
        case empty
    }

    /// The rows of the range ordered by one column's shown value, ascending or descending (a
    /// stable sort: equal rows keep their order). Formulas move with their row, their relative
    /// references shifted by the rows moved.
    public static func sort(_ rect: CellRect, byColumn column: Int, descending: Bool, raw: (CellAddress) -> String?, key: (CellAddress) -> SortKey) -> [CellChange] {
        let rows = Array(rect.low.row...rect.high.row)
        let keyed = rows.map { ($0, key(CellAddress(column: column, row: $0)!)) }
        let sorted = keyed.enumerated().sorted { a, b in
            let (x, y) = (a.element.1, b.element.1)
            if x == y { return a.offset < b.offset }
            if x == .empty || y == .empty { return y == .empty }
            return descending ? y < x : x < y
        }.map(\.element.0)
        var changes: [CellChange] = []
        for (index, source) in sorted.enumerated() {
            let target = rows[index]
            for column in rect.low.column...rect.high.column {
                let from = raw(CellAddress(column: column, row: source)!)
                let cell = CellAddress(column: column, row: target)!
                guard from != nil || raw(cell) != nil else { continue }
                changes.append(CellChange(cell: cell.description, value: from.map { FormulaRewriter.shift($0, columns: 0, rows: target - source) }))
            }
        }
        return changes
    }
}
