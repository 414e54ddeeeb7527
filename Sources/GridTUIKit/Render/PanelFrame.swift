/// The frame shared by the side panels: a vertical rule on the left and a title row.
enum PanelFrame {
    /// Draws the frame; returns the area left for the panel's rows.
    static func draw(title: String, focused: Bool, in area: Rect, on buffer: inout ScreenBuffer, theme: Theme) -> Rect {
        guard !area.isEmpty else { return .empty }
        for row in area.row..<area.bottom {
            buffer.write(theme.glyphs.vertical, row: row, column: area.column, width: 1, style: theme.border)
        }
        let titleArea = Rect(row: area.row, column: area.column + 1, height: 1, width: area.width - 1)
        buffer.fill(titleArea, style: theme.border)
        let used = buffer.write(" \(title) ", row: area.row, column: titleArea.column, width: titleArea.width, style: theme.panelTitle(focused: focused))
        let rule = String(repeating: theme.glyphs.horizontal, count: max(0, titleArea.width - used))
        buffer.write(rule, row: area.row, column: titleArea.column + used, width: titleArea.width - used, style: theme.border)
        return Rect(row: area.row + 1, column: area.column + 1, height: area.height - 1, width: area.width - 1)
    }
}
