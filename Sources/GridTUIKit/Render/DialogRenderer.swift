import Shared

/// Boxes drawn over the screen: the conflict dialog and the key table.
enum DialogRenderer {
    static let conflictTitle = "CONFLICT"
    static let helpTitle = "Keys"

    static func drawConflict(_ model: TUIModel, on buffer: inout ScreenBuffer, theme: Theme) {
        guard let conflict = model.currentConflict else { return }
        let zone = model.options.timeZone
        let waiting = model.conflicts.count > 1 ? " (1 of \(model.conflicts.count))" : ""
        if let moved = conflict.moved {
            drawMultiConflict(model, conflict, moved: moved, waiting: waiting, on: &buffer, theme: theme)
            return
        }
        let theirs = conflict.theirs
        let lines: [(String, TextStyle)] = [
            ("Your edit of \(conflict.cell) lost: someone else wrote it first.", .plain),
            ("", .plain),
            ("theirs: \(HistoryEntryText.quoted(theirs.value))", TextStyle(bold: true)),
            ("        by \(theirs.user) at \(TimeText.dateTime(theirs.at, in: zone))", theme.dim),
            ("mine:   \(HistoryEntryText.quoted(conflict.yours))", TextStyle(bold: true)),
            ("        by \(model.user) at \(TimeText.dateTime(Int64(conflict.version.milliseconds), in: zone))", theme.dim),
            ("", .plain),
            ("t keep theirs   m write mine again   e edit mine   Esc later", theme.keyHint),
        ]
        let box = centeredBox(lines: lines.count, preferredWidth: 66, in: buffer.size)
        let inner = frame(title: "\(conflictTitle) on \(conflict.cell)\(waiting)", box: box, titleStyle: theme.dialogTitle, on: &buffer, theme: theme)
        for (offset, line) in lines.prefix(inner.height).enumerated() {
            buffer.write(line.0, row: inner.row + offset, column: inner.column, width: inner.width, style: line.1)
        }
    }

    /// A lost multi-cell edit: what it was, the cells that moved with their winners (as many as
    /// fit), and the three choices.
    private static func drawMultiConflict(_ model: TUIModel, _ conflict: ServerMessage.Conflict, moved: [CellChange], waiting: String, on buffer: inout ScreenBuffer, theme: Theme) {
        let lost = model.lostMulti[conflict.op]
        let what = lost.map { "\($0.label ?? "edit") of \($0.cells.count) cells in \(CellChange.boundingRange(of: $0.cells.map(\.cell)) ?? "")" } ?? "edit of many cells"
        var lines: [(String, TextStyle)] = [
            ("Your \(what) lost: nothing of it was written.", .plain),
            ("\(moved.count) cell\(moved.count == 1 ? "" : "s") had moved since you saw \(moved.count == 1 ? "it" : "them"):", .plain),
        ]
        let shown = 6
        for change in moved.prefix(shown) {
            let winner = change.winner
            lines.append(("  \(change.cell): theirs \(HistoryEntryText.quoted(winner?.value)) by \(winner?.user ?? "?"), mine \(HistoryEntryText.quoted(change.value))", TextStyle(bold: true)))
        }
        if moved.count > shown { lines.append(("  … and \(moved.count - shown) more", theme.dim)) }
        lines.append(("", .plain))
        lines.append(("t drop mine   m re-apply on the new values   e edit (to clipboard)   Esc later", theme.keyHint))
        let box = centeredBox(lines: lines.count, preferredWidth: 76, in: buffer.size)
        let inner = frame(title: "\(conflictTitle) on \(lost.flatMap { CellChange.boundingRange(of: $0.cells.map(\.cell)) } ?? conflict.cell)\(waiting)", box: box, titleStyle: theme.dialogTitle, on: &buffer, theme: theme)
        for (offset, line) in lines.prefix(inner.height).enumerated() {
            buffer.write(line.0, row: inner.row + offset, column: inner.column, width: inner.width, style: line.1)
        }
    }

    static func drawHelp(scroll: Int, on buffer: inout ScreenBuffer, theme: Theme) {
        let lines = KeyBindings.helpLines()
        let height = max(3, buffer.size.rows - 2)
        let box = centeredBox(lines: height - 2, preferredWidth: 72, in: buffer.size)
        let inner = frame(title: "\(helpTitle) (Esc closes)", box: box, titleStyle: theme.label, on: &buffer, theme: theme)
        for (offset, line) in lines.dropFirst(scroll).prefix(inner.height).enumerated() {
            let isTitle = !line.hasPrefix(" ") && !line.isEmpty
            buffer.write(line, row: inner.row + offset, column: inner.column, width: inner.width, style: isTitle ? theme.panelTitle(focused: false) : .plain)
        }
    }

    /// One multi-cell history entry, expanded: what it was, then a line per cell.
    static func drawEntry(_ model: TUIModel, id: Version, scroll: Int, on buffer: inout ScreenBuffer, theme: Theme) {
        guard let index = model.history.index(of: id) else { return }
        let entry = model.history.entries[index]
        let lines = model.entryLines(id)
        let height = min(lines.count + 2, max(3, buffer.size.rows - 2))
        let box = centeredBox(lines: height, preferredWidth: 72, in: buffer.size)
        let title = "\(entry.user ?? "?") \(HistoryEntryText.describe(entry, glyphs: theme.glyphs))"
        let inner = frame(title: title, box: box, titleStyle: theme.label, on: &buffer, theme: theme)
        guard inner.height > 1 else { return }
        buffer.write(TimeText.dateTime(entry.at, in: model.options.timeZone) + "   Up/Down scroll  Enter go to the range  Esc close", row: inner.row, column: inner.column, width: inner.width, style: theme.dim)
        for (offset, line) in lines.dropFirst(scroll).prefix(inner.height - 1).enumerated() {
            buffer.write(line, row: inner.row + 1 + offset, column: inner.column, width: inner.width, style: .plain)
        }
    }

    private static func centeredBox(lines: Int, preferredWidth: Int, in size: TerminalSize) -> Rect {
        let width = min(preferredWidth, max(0, size.columns - 2))
        let height = min(lines + 2, max(0, size.rows - 2))
        return Rect(row: max(0, (size.rows - height) / 2), column: max(0, (size.columns - width) / 2), height: height, width: width)
    }

    /// A bordered box, cleared, with a title; returns the area inside it (one column of padding).
    private static func frame(title: String, box: Rect, titleStyle: TextStyle, on buffer: inout ScreenBuffer, theme: Theme) -> Rect {
        guard box.height >= 2, box.width >= 4 else { return .empty }
        buffer.fill(box, style: .plain)
        let glyphs = theme.glyphs
        let corners = theme.glyphs == .ascii ? ("+", "+", "+", "+") : ("┌", "┐", "└", "┘")
        let rule = String(repeating: glyphs.horizontal, count: box.width - 2)
        buffer.write(corners.0 + rule + corners.1, row: box.row, column: box.column, width: box.width, style: theme.border)
        buffer.write(corners.2 + rule + corners.3, row: box.bottom - 1, column: box.column, width: box.width, style: theme.border)
        for row in (box.row + 1)..<(box.bottom - 1) {
            buffer.write(glyphs.vertical, row: row, column: box.column, width: 1, style: theme.border)
            buffer.write(glyphs.vertical, row: row, column: box.right - 1, width: 1, style: theme.border)
        }
        buffer.write(" \(title) ", row: box.row, column: box.column + 2, width: box.width - 4, style: titleStyle)
        return Rect(row: box.row + 1, column: box.column + 2, height: box.height - 2, width: box.width - 4)
    }
}
