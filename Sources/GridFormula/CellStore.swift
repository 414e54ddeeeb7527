import Shared

/// Computed values of every non-blank cell. Besides the hash map for point reads, each column keeps its
/// occupied rows and their values in sorted parallel arrays, so ranges as large as `A:A` are walked in
/// time proportional to the cells present, without hashing each one.
struct CellStore: Sendable {
    private struct Column: Sendable {
        var rows: [Int] = []
        var values: [FormulaValue] = []
    }

    private(set) var values: [CellAddress: FormulaValue] = [:]
    /// Column number → slot in `slots`; an array of slots mutates in place where a dictionary of arrays would copy.
    private var slotOfColumn: [Int: Int] = [:]
    private var slots: [Column] = []
    private var freeSlots: [Int] = []
    private var occupiedColumns: [Int] = []

    init() {}

    /// Builds the store in one pass; cheaper than inserting cells one by one into the sorted index.
    init(bulk: [CellAddress: FormulaValue]) {
        var grouped: [Int: [(row: Int, value: FormulaValue)]] = [:]
        var nonBlank = 0
        for (address, value) in bulk where !value.isBlank {
            grouped[address.column, default: []].append((address.row, value))
            nonBlank += 1
        }
        values = nonBlank == bulk.count ? bulk : bulk.filter { !$0.value.isBlank }
        for (column, entries) in grouped {
            let sorted = entries.sorted { $0.row < $1.row }
            slotOfColumn[column] = slots.count
            slots.append(Column(rows: sorted.map(\.row), values: sorted.map(\.value)))
        }
        occupiedColumns = grouped.keys.sorted()
    }

    func value(_ cell: CellAddress) -> FormulaValue {
        values[cell] ?? .blank
    }

    mutating func set(_ value: FormulaValue, at cell: CellAddress) {
        if value.isBlank {
            guard values.removeValue(forKey: cell) != nil, let slot = slotOfColumn[cell.column] else { return }
            let i = Self.lowerBound(slots[slot].rows, cell.row)
            slots[slot].rows.remove(at: i)
            slots[slot].values.remove(at: i)
            if slots[slot].rows.isEmpty {
                slotOfColumn[cell.column] = nil
                freeSlots.append(slot)
                occupiedColumns.remove(at: Self.lowerBound(occupiedColumns, cell.column))
            }
            return
        }
        if values.updateValue(value, forKey: cell) != nil, let slot = slotOfColumn[cell.column] {
            slots[slot].values[Self.lowerBound(slots[slot].rows, cell.row)] = value
            return
        }
        guard let slot = slotOfColumn[cell.column] else {
            occupiedColumns.insert(cell.column, at: Self.lowerBound(occupiedColumns, cell.column))
            let fresh = Column(rows: [cell.row], values: [value])
            if let reused = freeSlots.popLast() {
                slots[reused] = fresh
                slotOfColumn[cell.column] = reused
            } else {
                slotOfColumn[cell.column] = slots.count
                slots.append(fresh)
            }
            return
        }
        let i = Self.lowerBound(slots[slot].rows, cell.row)
        slots[slot].rows.insert(cell.row, at: i)
        slots[slot].values.insert(value, at: i)
    }

    /// The occupied rows of one column between two rows, and their values; slices share storage.
    func columnSlice(_ column: Int, rows range: ClosedRange<Int>) -> (rows: ArraySlice<Int>, values: ArraySlice<FormulaValue>) {
        guard let slot = slotOfColumn[column] else { return ([], []) }
        let c = slots[slot]
        let low = Self.lowerBound(c.rows, range.lowerBound)
        let high = Self.lowerBound(c.rows, range.upperBound + 1)
        return (c.rows[low..<high], c.values[low..<high])
    }

    /// Calls `body` for every non-blank cell of `range`, in row-major order (the order Excel and
    /// LibreOffice use for TEXTJOIN, CONCAT and floating-point sums).
    func forEachNonBlank(in range: FormulaRange, _ body: (CellAddress, FormulaValue) throws(FormulaError) -> Void) throws(FormulaError) {
        if range.columnCount == 1 {
            // Straight from the column's arrays: slices in a tuple are copied through generic
            // witnesses, which a SUM over a short range pays for more than for its cells.
            guard let slot = slotOfColumn[range.start.column] else { return }
            let low = Self.lowerBound(slots[slot].rows, range.start.row)
            let high = Self.lowerBound(slots[slot].rows, range.end.row + 1)
            var k = low
            while k < high {
                try body(CellAddress(column: range.start.column, row: slots[slot].rows[k])!, slots[slot].values[k])
                k += 1
            }
            return
        }
        if range.cellCount <= 64 {
            for row in range.start.row...range.end.row {
                for column in range.start.column...range.end.column {
                    let cell = CellAddress(column: column, row: row)!
                    if let value = values[cell] { try body(cell, value) }
                }
            }
            return
        }
        var found: [(cell: CellAddress, value: FormulaValue)] = []
        var c = Self.lowerBound(occupiedColumns, range.start.column)
        while c < occupiedColumns.count, occupiedColumns[c] <= range.end.column {
            let column = occupiedColumns[c]
            let slice = columnSlice(column, rows: range.start.row...range.end.row)
            for (row, value) in zip(slice.rows, slice.values) {
                found.append((CellAddress(column: column, row: row)!, value))
            }
            c += 1
        }
        found.sort { $0.cell < $1.cell }
        for entry in found {
            try body(entry.cell, entry.value)
        }
    }

    static func lowerBound(_ sorted: [Int], _ target: Int) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < target { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
