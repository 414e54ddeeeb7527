import GridClientCore
import GridFiles
import GridFormula
import Shared

/// Ranges: selecting, copy, cut, paste, clear, fill and sort, each sent as one multi-cell edit.
extension TUIModel {
    /// The selected rectangle, from the anchor `v` (or Shift+arrow) set to the cursor.
    public var selection: CellRect? {
        selectionAnchor.map { CellRect($0, cursor) }
    }

    /// The selection, or the cursor's cell.
    var target: CellRect { selection ?? CellRect(cursor, cursor) }

    /// What a cell holds as this user sees it (own unanswered edits included).
    func raw(_ cell: CellAddress) -> String? {
        state.shownValue(of: cell.description).value
    }

    mutating func toggleSelection() {
        selectionAnchor = selectionAnchor == nil ? cursor : nil
        if let selection { notice = Notice("Selecting from \(selection.low): move to extend; y copy  d cut  x clear  Ctrl-D/Ctrl-R fill  :sort  Esc drop") }
    }

    mutating func extendSelection(columns: Int, rows: Int) {
        if selectionAnchor == nil { selectionAnchor = cursor }
        move(columns: columns, rows: rows)
    }

    mutating func copySelection() -> [TUIEffect] {
        let rect = target
        let block = RangeEdits.Block(copying: rect, raw: raw)
        clipboard = block
        // As in vim: the cursor goes back to where the range starts, ready to paste elsewhere.
        selectionAnchor = nil
        moveCursor(to: rect.low)
        notice = Notice("Copied \(rect) (\(rect.count) cell\(rect.count == 1 ? "" : "s")); p pastes at the cursor")
        return [.clipboard(block.tabSeparated)]
    }

    mutating func cutSelection() -> [TUIEffect] {
        let rect = target
        var effects = copySelection()
        effects += sendMulti(RangeEdits.clear(rect, raw: raw), label: "cut", range: rect)
        return effects
    }

    mutating func clearSelection() -> [TUIEffect] {
        let rect = target
        selectionAnchor = nil
        moveCursor(to: rect.low)
        return sendMulti(RangeEdits.clear(rect, raw: raw), label: "clear", range: rect)
    }

    mutating func pasteClipboard() -> [TUIEffect] {
        guard let block = clipboard else {
            notice = Notice("Nothing copied yet: select with v, then y copies", isError: true)
            return [.bell]
        }
        selectionAnchor = nil
        let range = CellRect(origin: cursor, rows: block.rows.count, columns: block.columns)
        return sendMulti(RangeEdits.paste(block, at: cursor, raw: raw), label: "paste", range: range)
    }

    /// Text pasted in the terminal: tab-separated when it holds a tab (as other spreadsheets
    /// copy), else CSV; its first cell lands on the cursor. Bad CSV is refused whole.
    mutating func pasteText(_ text: String) -> [TUIEffect] {
        let delimiter: Character = text.contains("\t") ? "\t" : ","
        let sheet: ImportedSheet
        do {
            sheet = try CSVFile.read(bytes: Array(text.utf8), at: cursor, delimiter: delimiter, name: "the pasted text")
        } catch {
            notice = Notice("\(error.description); nothing was pasted", isError: true)
            return [.bell]
        }
        guard let last = sheet.cells.map(\.0).max(by: { ($0.row, $0.column) < ($1.row, $1.column) }) else { return [] }
        let columns = (sheet.cells.map(\.0.column).max() ?? cursor.column) - cursor.column + 1
        var rows = Array(repeating: [String?](repeating: nil, count: columns), count: last.row - cursor.row + 1)
        for (address, value) in sheet.cells { rows[address.row - cursor.row][address.column - cursor.column] = value }
        let block = RangeEdits.Block(origin: cursor, rows: rows)
        let range = CellRect(origin: cursor, rows: rows.count, columns: columns)
        return sendMulti(RangeEdits.paste(block, at: cursor, raw: raw), label: "paste", range: range)
    }

    mutating func fill(_ direction: RangeEdits.Direction) -> [TUIEffect] {
        var rect = target
        if selection == nil {
            // No selection: the cell before the cursor is copied into it.
            let source = direction == .down ? CellAddress(column: cursor.column, row: cursor.row - 1) : CellAddress(column: cursor.column - 1, row: cursor.row)
            guard let source else { return [.bell] }
            rect = CellRect(source, cursor)
        }
        selectionAnchor = nil
        return sendMulti(RangeEdits.fill(rect, direction, raw: raw), label: "fill", range: rect)
    }

    /// Sorts the rows of the selection (or of the used cells from A1) by `column`.
    mutating func sort(column: Int, descending: Bool) -> [TUIEffect] {
        let rect = selection ?? usedRect
        guard let rect, rect.contains(CellAddress(column: column, row: rect.low.row)!) else {
            notice = Notice("Column \(CellAddress.columnName(column)) is outside \(selection.map { "the selection \($0)" } ?? "the used cells")", isError: true)
            return [.bell]
        }
        selectionAnchor = nil
        let changes = RangeEdits.sort(rect, byColumn: column, descending: descending, raw: raw, key: sortKey)
        return sendMulti(changes, label: "sort", range: rect)
    }

    /// From A1 to the last used cell; nil on an empty grid.
    var usedRect: CellRect? {
        let used = state.model.cells.compactMap { $0.value.value == nil ? nil : CellAddress($0.key) }
        guard let columns = used.map(\.column).max(), let rows = used.map(\.row).max() else { return nil }
        return CellRect(CellAddress(column: 0, row: 0)!, CellAddress(column: columns, row: rows)!)
    }

    private func sortKey(_ cell: CellAddress) -> RangeEdits.SortKey {
        switch computed.sheet.value(cell) {
        case .number(let number): .number(number)
        case .text(let text): text.isEmpty ? .empty : .text(text.lowercased())
        case .boolean(let flag): .text(flag ? "true" : "false")
        case .error(let error): .text(error.rawValue.lowercased())
        case .blank: .empty
        }
    }

    /// Sends changes as one multi-cell edit and remembers them for undo. Over the edit's limit
    /// nothing is sent: an import is the way for that much.
    mutating func sendMulti(_ changes: [CellChange], label: String, range: CellRect? = nil) -> [TUIEffect] {
        let place = range?.description ?? CellChange.boundingRange(of: changes.map(\.cell)) ?? ""
        guard !changes.isEmpty else {
            notice = Notice("Nothing to \(label) in \(place)")
            return []
        }
        guard changes.count <= Self.maxMultiCells else {
            notice = Notice("A \(label) changes at most \(Self.maxMultiCells) cells at once; this one has \(changes.count). Use :import for more.", isError: true)
            return [.bell]
        }
        let before = changes.map { CellChange(cell: $0.cell, value: state.model.value(at: $0.cell)) }
        let made = state.makeMultiEdit(changes, label: label)
        if label != "undo" { remember(UndoEntry(before: before, label: label, op: made.op)) }
        if label != "undo" || notice == nil {
            notice = Notice("\(label.prefix(1).uppercased() + label.dropFirst()): \(changes.count) cell\(changes.count == 1 ? "" : "s") in \(place), as one edit; u undoes it")
        }
        return made.frame.map { [.send([$0])] } ?? []
    }

    /// The most cells one multi-cell edit carries (the protocol's limit).
    public static let maxMultiCells = 10_000
}
