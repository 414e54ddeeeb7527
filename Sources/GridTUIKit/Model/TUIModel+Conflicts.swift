import Shared

/// The one-key choice after an own edit lost: keep theirs, write mine again, or edit mine.
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
        notice = Notice("Kept theirs in \(conflict.cell)")
        return makeEdit(.resolve, cell: conflict.cell)
    }

    mutating func writeMineAgain() -> [TUIEffect] {
        guard let conflict = takeConflict() else { return [] }
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
        openEditor(cell: conflict.cell, prefill: conflict.yours ?? "", base: rewriteBase(conflict), rewrite: true)
        return []
    }

    /// Closes the dialog; the cell stays contested until someone resolves it.
    mutating func decideLater() {
        guard let conflict = takeConflict() else { return }
        notice = Notice("\(conflict.cell) stays contested; write it or resolve it later")
    }
}
