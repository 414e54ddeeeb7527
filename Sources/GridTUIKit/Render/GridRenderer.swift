import GridFormula
import Shared

/// Draws the grid: column letters and row numbers that stay in view, the visible cells' values
/// cut to their column's width, this user's cursor, other users' cursors and editing marks in
/// their colour, this user's selection, others' selections outlined (underlined) in their
/// colour, and contested cells highlighted.
enum GridRenderer {
    static func draw(_ model: TUIModel, in area: Rect, on buffer: inout ScreenBuffer, theme: Theme) {
        guard !area.isEmpty else { return }
        let geometry = GridGeometry(area: area, topRow: model.origin.row)
        let columns = geometry.columns(from: model.origin.column, widths: model.widths)
        let rowCount = min(geometry.dataRows, CellAddress.maxRows - model.origin.row)
        let others = othersByCell(model)
        let selection = model.selection
        let selections = model.onlineUsers.compactMap { presence in
            model.isOwn(presence) ? nil : presence.selection.flatMap { CellRect($0) }.map { (presence.user, $0) }
        }
        let references = model.editedFormulaReferences

        // Header row: column letters over each column, the cursor's column marked.
        buffer.fill(Rect(row: area.row, column: area.column, height: 1, width: area.width), style: theme.header)
        for column in columns {
            let name = CellAddress.columnName(column.index)
            let style = column.index == model.cursor.column ? theme.headerCurrent : theme.header
            let text = TextFit.truncate(name, to: max(0, column.width - 1), marker: theme.glyphs.ellipsis).centered(in: column.width - 1)
            buffer.write(text + " ", row: area.row, column: column.x, width: column.visibleWidth, style: style)
        }

        for offset in 0..<rowCount {
            let row = model.origin.row + offset
            let y = area.row + 1 + offset
            let number = String(row + 1)
            let headerStyle = row == model.cursor.row ? theme.headerCurrent : theme.header
            let label = String(repeating: " ", count: max(0, geometry.rowHeaderWidth - 1 - number.count)) + number
            buffer.write(label, row: y, column: area.column, width: geometry.rowHeaderWidth - 1, style: headerStyle)
            buffer.write(" ", row: y, column: area.column + geometry.rowHeaderWidth - 1, width: 1, style: .plain)
            for column in columns {
                let address = CellAddress(column: column.index, row: row)!
                let referenced = references.contains { $0.contains(address) }
                let selectedBy = selections.first { $0.1.contains(address) }?.0
                drawCell(
                    model, address: address, column: column, y: y, others: others[address.description], referenced: referenced,
                    selected: selection?.contains(address) ?? false, selectedBy: selectedBy, on: &buffer, theme: theme
                )
            }
        }
    }

    /// Who else has a cursor or an editor on each cell.
    private static func othersByCell(_ model: TUIModel) -> [String: [UserPresence]] {
        var result: [String: [UserPresence]] = [:]
        for presence in model.onlineUsers where !model.isOwn(presence) {
            if let cell = presence.editing ?? presence.cursor { result[cell, default: []].append(presence) }
        }
        return result
    }

    private static func drawCell(
        _ model: TUIModel, address: CellAddress, column: GridGeometry.VisibleColumn, y: Int,
        others: [UserPresence]?, referenced: Bool, selected: Bool, selectedBy: String?, on buffer: inout ScreenBuffer, theme: Theme
    ) {
        let cell = address.description
        let textWidth = max(0, column.width - 1)
        let isContested = model.state.model.contested[cell] != nil
        let isCursor = address == model.cursor
        let editor = others?.first { $0.editing == cell }
        let visitor = others?.first

        var style = TextStyle.plain
        if isContested { style = theme.contested }
        if let visitor { style = merge(style, theme.otherCursor(visitor.user)) }
        if referenced { style = merge(style, theme.reference) }
        if let selectedBy { style = merge(style, theme.otherSelection(selectedBy)) }
        if selected { style = merge(style, theme.selectedCell) }
        if isCursor { style.reverse = true; style.bold = true }

        let shown = model.shownCell(address)
        if shown.isPending { style.dim = true }
        if shown.isError && !isCursor && !isContested { style = merge(style, theme.error) }
        let text = TextFit.fit(shown.text, to: textWidth, marker: theme.glyphs.ellipsis, alignRight: shown.isNumber)
        buffer.write(text, row: y, column: column.x, width: min(textWidth, column.visibleWidth), style: style)

        // The gap after the text carries the cell's mark: contested wins over someone editing,
        // which wins over depending on a contested cell.
        guard column.visibleWidth > textWidth else { return }
        if isContested {
            buffer.write(theme.glyphs.contested, row: y, column: column.x + textWidth, width: 1, style: theme.error)
        } else if shown.dependsOnContested && editor == nil {
            buffer.write(theme.glyphs.contested, row: y, column: column.x + textWidth, width: 1, style: theme.dim)
        } else if let editor {
            buffer.write(theme.glyphs.editing, row: y, column: column.x + textWidth, width: 1, style: theme.userName(editor.user))
        } else {
            buffer.write(" ", row: y, column: column.x + textWidth, width: 1, style: .plain)
        }
    }

    /// A visitor's colour; on a contested cell the contested highlight stays and the visitor
    /// shows as an underline, so that neither hides the other.
    private static func merge(_ base: TextStyle, _ overlay: TextStyle) -> TextStyle {
        guard base.background == nil else {
            var style = base
            style.underline = true
            return style
        }
        var style = overlay
        style.bold = base.bold || overlay.bold
        style.underline = base.underline || overlay.underline
        return style
    }
}

