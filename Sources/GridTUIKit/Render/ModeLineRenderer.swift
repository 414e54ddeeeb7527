/// The bottom line: the line editor and questions, a notice after a key, or hints for the keys
/// that matter where the focus is.
enum ModeLineRenderer {
    static func draw(_ model: TUIModel, in area: Rect, on buffer: inout ScreenBuffer, theme: Theme) {
        guard !area.isEmpty else { return }
        buffer.fill(area, style: .plain)
        switch model.mode {
        case .edit(let session):
            // Warn while typing that committing will be a conflict: the cell moved on.
            var prompt = " \(session.cell): "
            if model.state.model.baseVersion(of: session.cell) > session.base, let writer = model.state.model.cells[session.cell]?.user {
                prompt = " \(session.cell) (changed by \(writer) meanwhile): "
            }
            drawEditor(label: " EDIT ", prompt: prompt, editor: session.editor, in: area, on: &buffer, theme: theme)
        case .goto(let editor):
            drawEditor(label: " GO TO ", prompt: " cell (e.g. C12): ", editor: editor, in: area, on: &buffer, theme: theme)
        case .search(let editor):
            drawEditor(label: " SEARCH ", prompt: " ", editor: editor, in: area, on: &buffer, theme: theme)
        case .command(let editor):
            drawEditor(label: " COMMAND ", prompt: " :", editor: editor, in: area, on: &buffer, theme: theme)
        case .confirm(let question):
            var x = area.column
            x += buffer.write(" ? ", row: area.row, column: x, style: theme.label)
            buffer.write(" \(question.question) (y/n)", row: area.row, column: x, width: area.right - x, style: theme.keyHint)
        case .conflict:
            hints(" CONFLICT ", "t keep theirs  m write mine again  e edit mine  Esc later", in: area, on: &buffer, theme: theme)
        case .help:
            hints(" HELP ", "Up/Down scroll  Esc close", in: area, on: &buffer, theme: theme)
        case .entry:
            hints(" ENTRY ", "Up/Down scroll  Enter go to the range  Esc close", in: area, on: &buffer, theme: theme)
        case .normal:
            if let notice = model.notice {
                buffer.write(" " + notice.text, row: area.row, column: area.column, width: area.width, style: notice.isError ? theme.error : .plain)
                return
            }
            switch model.focus {
            case .grid where model.selection != nil:
                let rect = model.selection!
                hints(" \(rect) ", "\(rect.count) cells  y copy  d cut  x clear  Ctrl-D/R fill  :sort COL  :export FILE  Esc drop", in: area, on: &buffer, theme: theme)
            case .grid:
                hints(" GRID ", "Enter edit  = formula  x clear  v select  p paste  u undo  : command  g go to  / search  ? help  q quit", in: area, on: &buffer, theme: theme)
            case .users:
                hints(" USERS ", "Up/Down select  Enter go to their cursor  Tab next  Esc grid", in: area, on: &buffer, theme: theme)
            case .history:
                if let index = model.history.selectedIndex, model.history.selected != nil {
                    let event = model.history.entries[index]
                    let text = TimeText.dateTime(event.at, in: model.options.timeZone) + " " + (event.user ?? "?") + " "
                        + HistoryEntryText.describe(event, glyphs: theme.glyphs)
                    hints(" HISTORY ", text, in: area, on: &buffer, theme: theme)
                } else {
                    hints(" HISTORY ", "Up/Down scroll (loads older)  Enter go to cell  Space its cells  End follow live  Tab next", in: area, on: &buffer, theme: theme)
                }
            }
        }
    }

    private static func hints(_ label: String, _ text: String, in area: Rect, on buffer: inout ScreenBuffer, theme: Theme) {
        var x = area.column
        x += buffer.write(label, row: area.row, column: x, width: area.width, style: theme.label)
        buffer.write(" " + text, row: area.row, column: x, width: area.right - x, style: .plain)
    }

    /// The editor's text, scrolled sideways so that the caret stays visible; the terminal's
    /// cursor is put on the caret.
    private static func drawEditor(label: String, prompt: String, editor: LineEditor, in area: Rect, on buffer: inout ScreenBuffer, theme: Theme) {
        var x = area.column
        x += buffer.write(label, row: area.row, column: x, width: area.width, style: theme.label)
        x += buffer.write(prompt, row: area.row, column: x, width: area.right - x, style: theme.keyHint)
        let room = area.right - x - 1
        guard room > 0 else { return }
        // Each character as drawn: a pasted control character takes the columns of its notation.
        let characters = editor.characters.map { Sanitizer.visible(String($0)) }
        var start = 0
        func width(_ range: Range<Int>) -> Int { characters[range].reduce(0) { $0 + DisplayWidth.of($1) } }
        while start < editor.caret && width(start..<editor.caret) >= room { start += 1 }
        let text = characters[start...].joined()
        buffer.write(text, row: area.row, column: x, width: room, style: .plain)
        let caretColumn = x + width(start..<editor.caret)
        buffer.restyle(Rect(row: area.row, column: caretColumn, height: 1, width: 1)) { $0.reverse = true }
        buffer.cursor = ScreenBuffer.Position(row: area.row, column: caretColumn)
    }
}
