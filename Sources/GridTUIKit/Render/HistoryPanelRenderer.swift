import Shared

/// The history panel: the log, oldest at the top, newest at the bottom following live events;
/// scrolling up loads older pages until the first event, marked "start of history".
enum HistoryPanelRenderer {
    static let title = "History"
    static let startMarker = "start of history"

    static func draw(_ model: TUIModel, in area: Rect, on buffer: inout ScreenBuffer, theme: Theme) {
        guard !area.isEmpty else { return }
        let history = model.history
        let focused = model.focus == .history
        var title = "\(Self.title) (\(history.count))"
        if history.loadingOlder || history.loadingNewer { title += " loading\(theme.glyphs.ellipsis)" }
        let inner = PanelFrame.draw(title: title, focused: focused, in: area, on: &buffer, theme: theme)
        guard !inner.isEmpty else { return }
        var rows = inner.height
        let start = history.windowStart(rows: rows)
        var y = inner.row
        if start == 0 && (history.count < rows || history.selected != nil) {
            let marker: String
            if history.olderAvailable {
                marker = history.loadingOlder ? "loading older entries\(theme.glyphs.ellipsis)" : "\(theme.glyphs.up) older entries"
            } else {
                marker = "\(theme.glyphs.horizontal) \(startMarker) \(theme.glyphs.horizontal)"
            }
            if !history.isEmpty || !history.olderAvailable || history.loadingOlder {
                buffer.write(marker, row: y, column: inner.column, width: inner.width, style: theme.dim)
                y += 1
                rows -= 1
            }
        }
        let selectedIndex = focused ? history.selectedIndex : nil
        for index in start..<min(history.count, start + rows) {
            drawEntry(history.entries[index], selected: index == selectedIndex, row: y, in: inner, model: model, on: &buffer, theme: theme)
            y += 1
        }
    }

    private static func drawEntry(_ event: GridEvent, selected: Bool, row: Int, in area: Rect, model: TUIModel, on buffer: inout ScreenBuffer, theme: Theme) {
        var x = area.column
        func put(_ text: String, _ style: TextStyle) {
            var style = style
            if selected { style.reverse = true }
            x += buffer.write(text, row: row, column: x, width: area.right - x, style: style)
        }
        let user = event.user ?? "?"
        put(TimeText.clock(event.at, in: model.options.timeZone) + " ", theme.dim)
        put(user + " ", theme.userName(user))
        let style: TextStyle = event.kind == .conflict ? theme.conflictEntry : (event.kind.isSession ? theme.dim : .plain)
        put(TextFit.truncate(HistoryEntryText.describe(event, glyphs: theme.glyphs), to: area.right - x, marker: theme.glyphs.ellipsis), style)
        if selected && x < area.right { buffer.fill(Rect(row: row, column: x, height: 1, width: area.right - x), style: theme.selection) }
    }
}
