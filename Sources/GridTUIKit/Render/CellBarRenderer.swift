import Shared

/// The current cell's line: its address, whether it is contested or being edited by others,
/// its full value, and who wrote it when.
enum CellBarRenderer {
    static func draw(_ model: TUIModel, in area: Rect, on buffer: inout ScreenBuffer, theme: Theme) {
        guard !area.isEmpty else { return }
        buffer.fill(area, style: .plain)
        let cell = model.cursor.description
        var x = area.column
        x += buffer.write(" \(cell) ", row: area.row, column: x, width: area.right - x, style: theme.label)
        if model.state.model.contested[cell] != nil {
            x += 1
            x += buffer.write(" CONTESTED ", row: area.row, column: x, width: area.right - x, style: theme.contestedLabel)
        }
        let editors = model.onlineUsers.filter { !model.isOwn($0) && $0.editing == cell }
        for editor in editors {
            x += 1
            x += buffer.write("\(theme.glyphs.editing) \(editor.user) editing", row: area.row, column: x, width: area.right - x, style: theme.userName(editor.user))
        }
        x += 1
        let content = model.state.model.cells[cell]
        let (shown, isPending) = model.displayedValue(of: cell)
        let meta: String
        if isPending {
            meta = " yours, not saved yet "
        } else if let content {
            let verb = content.value == nil ? "cleared by" : "by"
            meta = " \(verb) \(content.user) at \(TimeText.dateTime(content.at, in: model.options.timeZone)) "
        } else {
            meta = " never written "
        }
        let metaWidth = DisplayWidth.of(meta)
        let valueWidth = max(0, area.right - x - metaWidth - 1)
        if let value = shown {
            let style = isPending ? TextStyle(dim: true) : TextStyle(bold: true)
            // A formula shows with its value: "=SUM(A1:A3) → 6".
            let address = model.cursor
            let text = value.hasPrefix("=") ? "\(value) \(theme.glyphs.arrow) \(model.computed.displayText(address))" : value
            buffer.write(TextFit.truncate(text, to: valueWidth, marker: theme.glyphs.ellipsis), row: area.row, column: x, width: valueWidth, style: style)
        }
        if area.right - metaWidth > x {
            buffer.write(meta, row: area.row, column: area.right - metaWidth, style: theme.dim)
        }
    }
}
