import Shared

/// Key dispatch: the key table picks the action, `perform` runs it. All key handling goes
/// through here.
extension TUIModel {
    /// The modes whose bindings apply now, most specific first.
    public var activeKeyModes: [KeyMode] {
        if case .command = mode { return [.command, .editor] }
        if let prompt = mode.keyMode { return [prompt] }
        switch focus {
        case .grid: return [.grid, .normal]
        case .users: return [.users, .normal]
        case .history: return [.history, .normal]
        }
    }

    public mutating func handle(_ key: Key) -> [TUIEffect] {
        // The new size arrives through `resize(to:)`; the key only wakes the app.
        if key == .resize { return finish([]) }
        if case .normal = mode { notice = nil }
        if failure?.kind == .editRejected { failure = nil }
        guard let binding = KeyBindings.binding(for: key, in: activeKeyModes) else { return finish([]) }
        return finish(perform(binding.action, key: key))
    }

    mutating func perform(_ action: TUIAction, key: Key) -> [TUIEffect] {
        switch action {
        case .moveUp: move(columns: 0, rows: -1)
        case .moveDown: move(columns: 0, rows: 1)
        case .moveLeft: move(columns: -1, rows: 0)
        case .moveRight: move(columns: 1, rows: 0)
        case .toggleSelection: toggleSelection()
        case .extendUp: extendSelection(columns: 0, rows: -1)
        case .extendDown: extendSelection(columns: 0, rows: 1)
        case .extendLeft: extendSelection(columns: -1, rows: 0)
        case .extendRight: extendSelection(columns: 1, rows: 0)
        case .clearSelection: selectionAnchor = nil
        case .copy: return copySelection()
        case .cut: return cutSelection()
        case .paste: return pasteClipboard()
        case .fillDown: return fill(.down)
        case .fillRight: return fill(.right)
        case .pasteText:
            if case .paste(let text) = key { return pasteText(text) }
        case .commandLine: openCommandLine()
        case .commandOlder: browseCommands(by: -1)
        case .commandNewer: browseCommands(by: 1)
        case .commandComplete: completeCommand()
        case .pageUp: move(columns: 0, rows: -max(1, gridGeometry.dataRows))
        case .pageDown: move(columns: 0, rows: max(1, gridGeometry.dataRows))
        case .firstColumn: moveToFirstColumn()
        case .lastColumn: moveToLastUsedColumn()
        case .edit: return beginEdit(prefill: state.model.value(at: cursor.description) ?? "")
        case .editNew: return beginEdit(prefill: "")
        case .editFormula: return beginEdit(prefill: "=")
        case .toggleFormulas:
            showFormulas.toggle()
            notice = Notice(showFormulas ? "Showing formulas; F shows values again" : "Showing values")
        case .clear: return selection == nil ? clearCell() : clearSelection()
        case .undo: return undoLast()
        case .narrowColumn: widths.change(column: cursor.column, by: -1)
        case .widenColumn: widths.change(column: cursor.column, by: 1)
        case .gotoCell: mode = .goto(LineEditor())
        case .search: mode = .search(LineEditor())
        case .searchNext: return searchNext()
        case .focusNext: cycleFocus(forward: true)
        case .focusPrevious: cycleFocus(forward: false)
        case .toggleUsers: togglePanel(users: true)
        case .toggleHistory: togglePanel(users: false)
        case .help: mode = .help(scroll: 0)
        case .quit: return quit()
        case .backToGrid: focus = .grid
        case .selectPrevious: moveSelection(by: -1)
        case .selectNext: moveSelection(by: 1)
        case .selectPageUp: moveSelection(by: -max(1, historyRows - 1))
        case .selectPageDown: moveSelection(by: max(1, historyRows - 1))
        case .selectFirst: history.selectOldest()
        case .selectLast: history.selected = nil
        case .jump:
            if case .entry = mode { mode = .normal }
            jumpToSelection()
        case .expandEntry: expandEntry()
        case .editorLeft: changeEditor { $0.moveLeft() }
        case .editorRight: changeEditor { $0.moveRight() }
        case .editorStart: changeEditor { $0.moveToStart() }
        case .editorEnd: changeEditor { $0.moveToEnd() }
        case .editorBackspace: changeEditor { $0.backspace() }
        case .editorDelete: changeEditor { $0.deleteForward() }
        case .editorInsert:
            if case .character(let character) = key { changeEditor { $0.insert(character) } }
            if case .paste(let text) = key {
                let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
                changeEditor { editor in line.forEach { editor.insert($0) } }
            }
        case .editorCommit: return commitEditor()
        case .editorCancel: mode = .normal
        case .keepTheirs: return keepTheirs()
        case .writeMineAgain: return writeMineAgain()
        case .editMine: return editMine()
        case .decideLater: decideLater()
        case .confirmYes: return confirm(true)
        case .confirmNo: return confirm(false)
        case .helpUp: scrollHelp(by: -1)
        case .helpDown: scrollHelp(by: 1)
        case .helpPageUp: scrollHelp(by: -max(1, size.rows - 4))
        case .helpPageDown: scrollHelp(by: max(1, size.rows - 4))
        case .closeHelp: mode = .normal
        }
        return []
    }

    private mutating func quit() -> [TUIEffect] {
        let pending = state.saveState.pending
        if pending > 0 {
            mode = .confirm(.quit(pending: pending))
            return []
        }
        return [.quit]
    }

    private mutating func confirm(_ yes: Bool) -> [TUIEffect] {
        guard case .confirm(let question) = mode else { return [] }
        mode = .normal
        guard yes else { return [] }
        switch question {
        case .quit:
            return [.quit]
        case .editAnyway(let cell, _, let prefill):
            openEditor(cell: cell, prefill: prefill)
            return []
        }
    }

    private mutating func scrollHelp(by delta: Int) {
        switch mode {
        case .help(let scroll):
            let last = max(0, KeyBindings.helpLines().count - 1)
            mode = .help(scroll: min(last, max(0, scroll + delta)))
        case .entry(let id, let scroll):
            let last = max(0, entryLines(id).count - 1)
            mode = .entry(id: id, scroll: min(last, max(0, scroll + delta)))
        default:
            break
        }
    }

    /// Space on a multi-cell history entry: its cells in a box over the screen.
    private mutating func expandEntry() {
        guard let index = history.selectedIndex else { return }
        let entry = history.entries[index]
        guard entry.kind == .multi || entry.kind == .multiConflict else {
            notice = Notice("This entry is about one cell; Enter goes to it")
            return
        }
        mode = .entry(id: entry.id, scroll: 0)
    }

    /// The lines of an expanded entry: each cell with its new and old value (or, for a lost
    /// edit, the value that lost and the winner), then how many the page did not carry.
    public func entryLines(_ id: Version) -> [String] {
        guard let index = history.index(of: id) else { return [] }
        let entry = history.entries[index]
        let cells = entry.cells ?? []
        var lines = cells.map { change -> String in
            let cell = change.cell.padding(to: 8)
            if entry.kind == .multiConflict {
                return cell + HistoryEntryText.quoted(change.value) + " lost to " + HistoryEntryText.quoted(change.winner?.value) + " by " + (change.winner?.user ?? "?")
            }
            return cell + HistoryEntryText.quoted(change.old) + " " + options.glyphs.arrow + " " + HistoryEntryText.quoted(change.value)
        }
        if let count = entry.count, count > cells.count {
            lines.append("… and \(count - cells.count) more: history pages carry \(HistoryLog.cellsPerEntry) cells per entry; the grid shows them all")
        }
        return lines
    }
}
