/// The users panel: everyone online on every server, in their colour, with where their cursor
/// is and which cell they are editing.
enum UsersPanelRenderer {
    static let title = "Users online"

    static func draw(_ model: TUIModel, in area: Rect, on buffer: inout ScreenBuffer, theme: Theme) {
        guard !area.isEmpty else { return }
        let users = model.onlineUsers
        let focused = model.focus == .users
        let inner = PanelFrame.draw(title: "\(title) (\(users.count))", focused: focused, in: area, on: &buffer, theme: theme)
        guard !inner.isEmpty else { return }
        let first = focused ? max(0, min(model.selectedUser - inner.height + 1, users.count - inner.height)) : 0
        for (offset, presence) in users.dropFirst(first).prefix(inner.height).enumerated() {
            let index = first + offset
            let y = inner.row + offset
            let selected = focused && index == model.selectedUser
            var x = inner.column
            func put(_ text: String, _ style: TextStyle) {
                var style = style
                if selected { style.reverse = true }
                x += buffer.write(text, row: y, column: x, width: inner.right - x, style: style)
            }
            put(theme.glyphs.bullet + " ", theme.userName(presence.user))
            put(presence.user, theme.userName(presence.user))
            if model.isOwn(presence) { put(" (you)", .plain) }
            put(" " + (presence.cursor ?? "-"), .plain)
            if let editing = presence.editing { put(" \(theme.glyphs.editing) editing \(editing)", theme.userName(presence.user)) }
            put(" @" + presence.server, theme.dim)
            if selected && x < inner.right { buffer.fill(Rect(row: y, column: x, height: 1, width: inner.right - x), style: theme.selection) }
        }
    }
}
