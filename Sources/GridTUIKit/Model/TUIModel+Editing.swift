import Shared

/// Changing cells: the line editor, clearing, and undo.
extension TUIModel {
    /// Opens the editor on the cursor's cell, asking first if someone else is editing it.
    mutating func beginEdit(prefill: String) -> [TUIEffect] {
        let cell = cursor.description
        let editors = onlineUsers.filter { !isOwn($0) && $0.editing == cell }.map(\.user)
        if !editors.isEmpty {
            mode = .confirm(.editAnyway(cell: cell, editors: editors, prefill: prefill))
            return []
        }
        openEditor(cell: cell, prefill: prefill)
        return []
    }

    /// Opens the editor; the edit will be written over `base`, by default the version of the
    /// cell this user sees now.
    mutating func openEditor(cell: String, prefill: String, base: Version? = nil, rewrite: Bool = false) {
        mode = .edit(EditSession(cell: cell, editor: LineEditor(prefill), base: base ?? seenVersion(of: cell), rewrite: rewrite))
    }

    /// The version of the cell as this user knows it.
    func seenVersion(of cell: String) -> Version {
        state.currentBase(of: cell)
    }

    /// Applies a change to whichever line editor is open.
    mutating func changeEditor(_ change: (inout LineEditor) -> Void) {
        switch mode {
        case .edit(var session):
            change(&session.editor)
            mode = .edit(session)
        case .goto(var editor):
            change(&editor)
            mode = .goto(editor)
        case .search(var editor):
            change(&editor)
            mode = .search(editor)
        case .command(var editor):
            change(&editor)
            mode = .command(editor)
        default:
            break
        }
    }

    mutating func commitEditor() -> [TUIEffect] {
        switch mode {
        case .edit(let session):
            mode = .normal
            return write(session)
        case .goto(let editor):
            mode = .normal
            let text = editor.text.trimmingSpaces
            guard let address = CellAddress(text) else {
                notice = Notice("'\(text)' is not a cell; give A1 to XFD1048576", isError: true)
                return [.bell]
            }
            moveCursor(to: address)
            return []
        case .search(let editor):
            mode = .normal
            let text = editor.text
            guard !text.isEmpty else { return [] }
            searchText = text
            return searchNext()
        case .command(let editor):
            mode = .normal
            return runCommand(editor.text)
        default:
            return []
        }
    }

    /// Sends what the editor holds, over the version seen when editing started: an empty text
    /// clears the cell; an unchanged one sends nothing, unless the user chose to write it again
    /// after a conflict.
    private mutating func write(_ session: EditSession) -> [TUIEffect] {
        let current = state.model.value(at: session.cell)
        let text = session.editor.text
        if text.isEmpty {
            guard current != nil || session.rewrite else { return [] }
            remember(cell: session.cell, previous: current)
            return makeEdit(.clear, cell: session.cell, base: session.base)
        }
        guard text != current || session.rewrite else { return [] }
        remember(cell: session.cell, previous: current)
        return makeEdit(.set, cell: session.cell, value: text, base: session.base)
    }

    mutating func clearCell() -> [TUIEffect] {
        let cell = cursor.description
        guard let current = state.model.value(at: cell) else { return [] }
        remember(cell: cell, previous: current)
        return makeEdit(.clear, cell: cell)
    }

    private mutating func remember(cell: String, previous: String?) {
        remember(UndoEntry(cell: cell, previous: previous))
    }

    /// Keeps at most `undoDepth` entries and `undoCells` cells in them: a hundred 10,000-cell
    /// pastes would otherwise hold a million old values.
    mutating func remember(_ entry: UndoEntry) {
        undo.append(entry)
        if undo.count > Self.undoDepth { undo.removeFirst(undo.count - Self.undoDepth) }
        var cells = undo.reduce(0) { $0 + $1.before.count }
        while cells > Self.undoCells, undo.count > 1 { cells -= undo.removeFirst().before.count }
    }

    /// Takes back the newest own edit with a new edit that writes the previous values back: one
    /// cell, or one multi-cell edit for a paste, fill, sort, cut or clear of a range.
    mutating func undoLast() -> [TUIEffect] {
        guard let entry = undo.popLast() else {
            notice = Notice("Nothing to undo")
            return [.bell]
        }
        if let address = CellAddress(entry.cell) { moveCursor(to: address) }
        let effects: [TUIEffect]
        let newest = state.edits.last?.op
        if let label = entry.label {
            let changes = entry.before.map { CellChange(cell: $0.cell, value: $0.value, base: entry.base(of: $0.cell)) }
            let range = CellChange.boundingRange(of: changes.map(\.cell)) ?? entry.cell
            notice = Notice("Undo: the \(label) of \(changes.count) cells in \(range) taken back")
            effects = sendMulti(changes, label: "undo")
        } else if let previous = entry.previous {
            notice = Notice("Undo: \(entry.cell) set back to \"\(previous)\"")
            effects = makeEdit(.set, cell: entry.cell, value: previous, base: entry.base(of: entry.cell))
        } else {
            notice = Notice("Undo: \(entry.cell) cleared again")
            effects = makeEdit(.clear, cell: entry.cell, base: entry.base(of: entry.cell))
        }
        if let op = state.edits.last?.op, op != newest { undoing[op] = entry.before.map(\.cell) }
        return effects
    }

    /// An undo landed at `version`: older entries of the same cells are now judged against it.
    mutating func undoAcked(op: String, version: Version) {
        guard let cells = undoing.removeValue(forKey: op) else { return }
        for index in undo.indices {
            for cell in cells where undo[index].before.contains(where: { $0.cell == cell }) { undo[index].rebased[cell] = version }
        }
    }

    /// Makes an edit in the client state and asks for its frame to be sent (none while it waits
    /// behind an unanswered edit of the same cell). `base` nil: the version this user sees. The
    /// undo entry remembered for the cell learns the op id, so that its ack can tell undo which
    /// version the edit got.
    mutating func makeEdit(_ kind: EditKind, cell: String, value: String? = nil, base: Version? = nil) -> [TUIEffect] {
        let made = state.makeEdit(kind, cell: cell, value: value, base: base)
        if kind != .resolve, let index = undo.lastIndex(where: { $0.op == nil && $0.cell == cell }) {
            undo[index].op = made.op
        }
        return made.frame.map { [.send([$0])] } ?? []
    }

    /// Goes to the next cell after the cursor (row by row, wrapping) whose value contains the
    /// search text, ignoring case.
    mutating func searchNext() -> [TUIEffect] {
        guard let text = searchText, !text.isEmpty else {
            notice = Notice("No search yet; press / to search")
            return [.bell]
        }
        let needle = text.lowercased()
        var matches: [CellAddress] = []
        for (cell, content) in state.model.cells {
            guard let value = content.value, value.lowercased().contains(needle), let address = CellAddress(cell) else { continue }
            matches.append(address)
        }
        guard let first = matches.min() else {
            notice = Notice("No cell contains \"\(text)\"", isError: true)
            return [.bell]
        }
        let next = matches.filter { $0 > cursor }.min() ?? first
        moveCursor(to: next)
        notice = Notice("Found \"\(text)\" in \(next) (\(matches.count) match\(matches.count == 1 ? "" : "es"); n for next)")
        return []
    }
}

