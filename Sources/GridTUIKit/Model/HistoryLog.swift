import Shared

/// The history the panel shows: the log's entries loaded so far, oldest first and without
/// repeats, whether older ones remain to load, and which entry is selected. Pages loaded on
/// demand and live events land here alike; both may overlap, so entries are merged by id.
public struct HistoryLog: Hashable, Sendable {
    /// More than this many entries in memory and the oldest are dropped (and can be loaded again).
    public static let capacity = 20_000
    public static let pageSize = 200
    public static let cellsPerEntry = 50

    public private(set) var entries: [GridEvent] = []
    /// Older entries may exist on the server than the oldest loaded.
    public var olderAvailable = true
    public var loadingOlder = false
    public var loadingNewer = false
    /// Don't ask again before this time (epoch ms) after a failed load.
    public var retryAt: Int64 = 0
    /// The selected entry; nil follows the newest.
    public var selected: Version?

    public init() {}

    public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }

    /// A live event: usually newer than everything loaded.
    public mutating func append(_ event: GridEvent) {
        var event = event
        // A live multi-cell event carries every cell; the panel shows the first few, as the
        // server's history pages do.
        if let cells = event.cells, cells.count > Self.cellsPerEntry { event.cells = Array(cells.prefix(Self.cellsPerEntry)) }
        if let last = entries.last, event.id <= last.id {
            merge([event])
        } else {
            entries.append(event)
            trim()
        }
    }

    /// A page of entries (oldest first), anywhere relative to those loaded.
    public mutating func merge(_ page: [GridEvent]) {
        guard !page.isEmpty else { return }
        if let first = entries.first, let last = page.last, last.id < first.id {
            entries = page + entries
        } else {
            var byID: [Version: GridEvent] = [:]
            for entry in entries { byID[entry.id] = entry }
            for entry in page { byID[entry.id] = entry }
            entries = byID.values.sorted { $0.id < $1.id }
        }
        trim()
    }

    /// Index of the entry with this id, if loaded.
    public func index(of id: Version) -> Int? {
        var low = 0
        var high = entries.count - 1
        while low <= high {
            let middle = (low + high) / 2
            if entries[middle].id == id { return middle }
            if entries[middle].id < id { low = middle + 1 } else { high = middle - 1 }
        }
        return nil
    }

    /// Index of the selected entry; the newest when following.
    public var selectedIndex: Int? {
        guard !entries.isEmpty else { return nil }
        guard let selected else { return entries.count - 1 }
        return index(of: selected) ?? entries.count - 1
    }

    /// Moves the selection by `delta` entries (negative: older); selecting past the newest
    /// follows live events again.
    public mutating func moveSelection(by delta: Int) {
        guard let current = selectedIndex else { return }
        let target = current + delta
        if target >= entries.count - 1 {
            selected = nil
        } else {
            selected = entries[max(0, target)].id
        }
    }

    public mutating func selectOldest() {
        selected = entries.first?.id
    }

    /// The first entry shown in a panel of `rows` rows: the selection stays in view, the newest
    /// entry sits at the bottom while following.
    public func windowStart(rows: Int) -> Int {
        guard rows > 0, let index = selectedIndex else { return 0 }
        if selected == nil { return max(0, entries.count - rows) }
        return min(max(0, index - rows / 2), max(0, entries.count - rows))
    }

    private mutating func trim() {
        guard entries.count > Self.capacity else { return }
        entries.removeFirst(entries.count - Self.capacity)
        olderAvailable = true
        if let selected, selected < entries[0].id { self.selected = entries[0].id }
    }
}
