import Shared

/// The one-key choice after an own edit lost: keep theirs, write mine again, or edit mine. For a
/// lost multi-cell edit: drop it (the moved cells keep theirs), re-apply it on the new values,
/// or take it to the clipboard to change and paste again.
extension TUIModel {
    /// The conflict the dialog shows.
    public var currentConflict: ServerMessage.Conflict? { conflicts.first }

    /// The base for writing again: the winner's version, or a newer one this client has seen
    /// since, so that the new write is judged against what the user has now seen.
    private func rewriteBase(_ conflict: ServerMessage.Conflict) -> Version {
        max(seenVersion(of: conflict.cell), conflict.theirs.version)
    }

    private mutating func takeConflict() -> ServerMessage.Conflict? {
        guard case .conflict = mode, !conflicts.isEmpty else { return nil }
        mode = .normal
        let conflict = conflicts.removeFirst()
        if let address = CellAddress(conflict.cell) { moveCursor(to: address) }
        return conflict
    }

    mutating func keepTheirs() -> [TUIEffect] {
        guard let conflict = takeConflict() else { return [] }
        if let moved = conflict.moved {
            lostMulti[conflict.op] = nil
            notice = Notice("Dropped yours; the \(moved.count) moved cell\(moved.count == 1 ? "" : "s") keep theirs")
            var effects: [TUIEffect] = []
            for cell in moved where state.model.contested[cell.cell] != nil { effects += makeEdit(.resolve, cell: cell.cell) }
            return effects
        }
        notice = Notice("Kept theirs in \(conflict.cell)")
        return makeEdit(.resolve, cell: conflict.cell)
    }

    mutating func writeMineAgain() -> [TUIEffect] {
        guard let conflict = takeConflict() else { return [] }
        if conflict.moved != nil {
            guard let lost = lostMulti.removeValue(forKey: conflict.op) else { return [.bell] }
            // Based on what this user sees now: the moved cells' new values are overwritten
            // knowingly, and anything that moved since loses again.
            let changes = lost.cells.map { CellChange(cell: $0.cell, value: $0.value) }
            let effects = sendMulti(changes, label: lost.label ?? "paste")
            notice = Notice("Re-applied your \(lost.label ?? "edit") of \(changes.count) cells on the new values")
            return effects
        }
        let base = rewriteBase(conflict)
        let current = state.model.value(at: conflict.cell)
        undo.append(UndoEntry(cell: conflict.cell, previous: current))
        guard let mine = conflict.yours else {
            notice = Notice("Cleared \(conflict.cell) again")
            return makeEdit(.clear, cell: conflict.cell, base: base)
        }
        notice = Notice("Wrote yours to \(conflict.cell) again")
        return makeEdit(.set, cell: conflict.cell, value: mine, base: base)
    }

    mutating func editMine() -> [TUIEffect] {
        guard let conflict = takeConflict() else { return [] }
        if conflict.moved != nil {
            guard let lost = lostMulti.removeValue(forKey: conflict.op) else { return [.bell] }
            guard let rect = CellChange.boundingRange(of: lost.cells.map(\.cell)).flatMap({ CellRect($0) }) else { return [] }
            var rows = Array(repeating: [String?](repeating: nil, count: rect.columns), count: rect.rows)
            for change in lost.cells {
                guard let address = CellAddress(change.cell) else { continue }
                rows[address.row - rect.low.row][address.column - rect.low.column] = change.value
            }
            clipboard = RangeEdits.Block(origin: rect.low, rows: rows)
            moveCursor(to: rect.low)
            notice = Notice("Yours (\(rect)) is in the clipboard: change cells as you like, then p pastes it at \(rect.low)")
            return []
        }
        openEditor(cell: conflict.cell, prefill: conflict.yours ?? "", base: rewriteBase(conflict), rewrite: true)
        return []
    }

    /// Closes the dialog; the cell stays contested until someone resolves it.
    mutating func decideLater() {
        guard let conflict = takeConflict() else { return }
        if let moved = conflict.moved {
            notice = Notice("The \(moved.count) moved cell\(moved.count == 1 ? "" : "s") stay contested; yours is dropped")
            lostMulti[conflict.op] = nil
            return
        }
        notice = Notice("\(conflict.cell) stays contested; write it or resolve it later")
    }
}
