import GridFormula
import Shared

/// The values a client shows, computed: the formula engine run over what its `ClientState` shows
/// (own edits not yet acked included), kept up to date incrementally. Every client at the same
/// grid version with nothing pending computes the same values: the engine is deterministic and
/// its clock (`TODAY()`, `NOW()`) is the time of the grid's newest event.
public struct ComputedGrid: Sendable {
    public private(set) var sheet = FormulaSheet()
    /// Cells whose value depends on an own edit the server has not answered yet.
    public private(set) var pendingDependents: Set<CellAddress> = []
    /// Cells whose value depends on a contested cell.
    public private(set) var contestedDependents: Set<CellAddress> = []
    private var clock: Int64 = 0
    private var contested: Set<String> = []
    private var pending: Set<CellAddress> = []
    private var pendingOps: Set<String> = []

    public init() {}

    /// Everything `state` shows, computed once.
    public init(loading state: ClientState) {
        load(state)
        contested = Set(state.model.contested.keys)
        refreshMarks(state, formulasChanged: true, contestedChanged: true)
    }

    /// Brings the values up to date with what `state` shows. Returns the cells whose computed
    /// value changed, or nil when the whole grid was loaded again (a welcome).
    @discardableResult
    public mutating func update(from state: inout ClientState) -> Set<CellAddress>? {
        let changes = state.takeShownChanges()
        let newClock = Int64(clamping: state.model.version.milliseconds)
        var changed: Set<CellAddress>?
        // Which cells depend on what changes only when a formula does.
        var formulasChanged = changes.reloaded
        if changes.reloaded {
            load(state)
            changed = nil
        } else {
            var updates: [CellAddress: String?] = [:]
            for cell in changes.cells {
                guard let address = CellAddress(cell) else { continue }
                let shown = state.shownValue(of: cell).value
                let old = sheet.raw(address)
                guard shown != old else { continue }
                updates[address] = .some(shown)
                if shown?.hasPrefix("=") == true || old?.hasPrefix("=") == true { formulasChanged = true }
            }
            var touched = updates.isEmpty ? [] : sheet.set(updates)
            if newClock != clock {
                clock = newClock
                touched.formUnion(sheet.setClock(newClock))
            }
            changed = touched
        }
        // A cell's contested mark changes only with an event for that cell, so only the cells
        // changed are looked at: building a set of every contested cell for each update cost a
        // client with thousands of them most of its time.
        var contestedChanged = false
        if changes.reloaded {
            contested = Set(state.model.contested.keys)
            contestedChanged = true
        } else {
            for cell in changes.cells {
                let isContested = state.model.contested[cell] != nil
                if isContested ? contested.insert(cell).inserted : contested.remove(cell) != nil { contestedChanged = true }
            }
        }
        refreshMarks(state, formulasChanged: formulasChanged, contestedChanged: contestedChanged)
        return changed
    }

    private mutating func load(_ state: ClientState) {
        var raw: [CellAddress: String] = [:]
        raw.reserveCapacity(state.model.cells.count)
        for cell in state.model.cells.keys {
            guard let address = CellAddress(cell), let value = state.shownValue(of: cell).value else { continue }
            raw[address] = value
        }
        // Own edits of cells the snapshot does not hold yet.
        for edit in state.edits where edit.kind != .resolve {
            for cell in edit.touchedCells {
                guard let address = CellAddress(cell) else { continue }
                raw[address] = state.shownValue(of: cell).value
            }
        }
        clock = Int64(clamping: state.model.version.milliseconds)
        sheet.load(raw, clock: clock)
    }

    /// The dependents of pending and contested cells, found again only when those cells or the
    /// formulas changed: a grid with thousands of contested cells would otherwise walk all their
    /// dependents for every event.
    private mutating func refreshMarks(_ state: ClientState, formulasChanged: Bool, contestedChanged: Bool) {
        // An edit's cells never change, so the pending cells change only when the unanswered
        // ops do: an import of 100,000 cells would otherwise rebuild their set on every message.
        let unanswered = state.edits.filter { $0.ackedVersion == nil && $0.kind != .resolve }
        let ops = Set(unanswered.map(\.op))
        if ops != pendingOps || (formulasChanged && !ops.isEmpty) {
            pendingOps = ops
            let nowPending = Set(unanswered.flatMap(\.touchedCells).compactMap { CellAddress($0) })
            if nowPending != pending || (formulasChanged && !nowPending.isEmpty) {
                pending = nowPending
                pendingDependents = nowPending.isEmpty ? [] : sheet.dependents(of: nowPending)
            }
        }
        if contestedChanged || (formulasChanged && !contested.isEmpty) {
            contestedDependents = contested.isEmpty ? [] : sheet.dependents(of: Set(contested.compactMap { CellAddress($0) }))
        }
    }

    /// What the cell shows: the computed value's text (a formula's result, a number as the
    /// engine formats it, text as typed).
    public func displayText(_ cell: CellAddress) -> String { sheet.displayText(cell) }
}
