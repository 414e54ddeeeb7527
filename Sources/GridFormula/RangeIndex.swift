import Shared

/// Which formulas read which large ranges, without expanding a range into per-cell edges: `=SUM(A:A)` is
/// one entry. Ranges at most `lineLimit` wide are filed under each of their columns (or, if flatter,
/// rows), split into fixed blocks along the line; longer spans go in a per-line list, and ranges both
/// wide and tall in one global list. A lookup inspects one block, one per-line list and the global list.
struct RangeIndex: Sendable {
    private static let lineLimit = 64
    private static let blockShift = 8
    private static let maximumBlocks = 16

    private struct Entry: Sendable {
        var range: FormulaRange
        var dependents: Set<CellAddress>
    }

    private struct BucketKey: Hashable, Sendable {
        var vertical: Bool
        var line: Int
        /// -1 files the range in the line's list of long spans.
        var block: Int
    }

    private var entries: [Entry?] = []
    private var freeIDs: [Int] = []
    private var idByRange: [FormulaRange: Int] = [:]
    private var buckets: [BucketKey: [Int]] = [:]
    private var huge: [Int] = []

    init() {}

    /// Bucket keys of a range; empty means the global list.
    private static func keys(for range: FormulaRange) -> [BucketKey] {
        let width = range.columnCount
        let height = range.rowCount
        let vertical: Bool
        if width <= lineLimit && width <= height {
            vertical = true
        } else if height <= lineLimit {
            vertical = false
        } else {
            return []
        }
        let lines = vertical ? range.start.column...range.end.column : range.start.row...range.end.row
        let firstBlock = (vertical ? range.start.row : range.start.column) >> blockShift
        let lastBlock = (vertical ? range.end.row : range.end.column) >> blockShift
        var keys: [BucketKey] = []
        for line in lines {
            if lastBlock - firstBlock + 1 > maximumBlocks {
                keys.append(BucketKey(vertical: vertical, line: line, block: -1))
            } else {
                for block in firstBlock...lastBlock {
                    keys.append(BucketKey(vertical: vertical, line: line, block: block))
                }
            }
        }
        return keys
    }

    mutating func add(_ range: FormulaRange, dependent: CellAddress) {
        if let id = idByRange[range] {
            entries[id]!.dependents.insert(dependent)
            return
        }
        let id: Int
        if let reused = freeIDs.popLast() {
            id = reused
            entries[id] = Entry(range: range, dependents: [dependent])
        } else {
            id = entries.count
            entries.append(Entry(range: range, dependents: [dependent]))
        }
        idByRange[range] = id
        let keys = Self.keys(for: range)
        if keys.isEmpty {
            huge.append(id)
        } else {
            for key in keys { buckets[key, default: []].append(id) }
        }
    }

    mutating func remove(_ range: FormulaRange, dependent: CellAddress) {
        guard let id = idByRange[range] else { return }
        entries[id]!.dependents.remove(dependent)
        guard entries[id]!.dependents.isEmpty else { return }
        entries[id] = nil
        idByRange[range] = nil
        freeIDs.append(id)
        let keys = Self.keys(for: range)
        if keys.isEmpty {
            huge.removeAll { $0 == id }
        } else {
            for key in keys {
                buckets[key]?.removeAll { $0 == id }
                if buckets[key]?.isEmpty == true { buckets[key] = nil }
            }
        }
    }

    /// Calls `body` with every formula whose indexed ranges contain `cell` (once per containing range).
    func forEachDependent(of cell: CellAddress, _ body: (CellAddress) -> Void) {
        let probes = [
            BucketKey(vertical: true, line: cell.column, block: cell.row >> Self.blockShift),
            BucketKey(vertical: true, line: cell.column, block: -1),
            BucketKey(vertical: false, line: cell.row, block: cell.column >> Self.blockShift),
            BucketKey(vertical: false, line: cell.row, block: -1),
        ]
        for key in probes {
            guard let ids = buckets[key] else { continue }
            for id in ids { visit(id, cell, body) }
        }
        for id in huge { visit(id, cell, body) }
    }

    private func visit(_ id: Int, _ cell: CellAddress, _ body: (CellAddress) -> Void) {
        guard let entry = entries[id], entry.range.contains(cell) else { return }
        for dependent in entry.dependents { body(dependent) }
    }
}
