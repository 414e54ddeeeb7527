/// The styles of every part of the screen. With colours it uses them; without (vt100) only
/// bold, reverse and underline, so that everything stays distinguishable in monochrome.
public struct Theme: Sendable {
    public let colors: Bool
    public let glyphs: Glyphs

    public init(options: TUIOptions) {
        self.colors = options.colors
        self.glyphs = options.glyphs
    }

    var statusBar: TextStyle { colors ? TextStyle(foreground: .white, background: .blue) : TextStyle(reverse: true) }
    var statusGood: TextStyle { colors ? TextStyle(foreground: .green, background: .blue, bold: true) : TextStyle(bold: true, reverse: true) }
    var statusBad: TextStyle { colors ? TextStyle(foreground: .yellow, background: .blue, bold: true) : TextStyle(bold: true, reverse: true, underline: true) }
    var banner: TextStyle { colors ? TextStyle(foreground: .white, background: .red, bold: true) : TextStyle(bold: true, reverse: true) }
    var label: TextStyle { TextStyle(bold: true, reverse: true) }
    var contestedLabel: TextStyle { colors ? TextStyle(foreground: .white, background: .red, bold: true) : TextStyle(bold: true, reverse: true, underline: true) }
    var header: TextStyle { colors ? TextStyle(foreground: .cyan, bold: true) : TextStyle(bold: true) }
    var headerCurrent: TextStyle { TextStyle(bold: true, reverse: true) }
    var contested: TextStyle { colors ? TextStyle(foreground: .white, background: .red) : TextStyle(bold: true, underline: true) }
    var border: TextStyle { colors ? TextStyle(foreground: .blue) : TextStyle(dim: true) }
    var dim: TextStyle { TextStyle(dim: true) }
    /// Cells the formula being edited refers to.
    var reference: TextStyle { colors ? TextStyle(foreground: .black, background: .cyan) : TextStyle(underline: true) }
    var error: TextStyle { colors ? TextStyle(foreground: .red, bold: true) : TextStyle(bold: true) }
    var conflictEntry: TextStyle { colors ? TextStyle(foreground: .red) : TextStyle(underline: true) }
    var selection: TextStyle { TextStyle(reverse: true) }
    var dialogTitle: TextStyle { colors ? TextStyle(foreground: .white, background: .red, bold: true) : TextStyle(bold: true, reverse: true) }
    var keyHint: TextStyle { TextStyle(bold: true) }

    func panelTitle(focused: Bool) -> TextStyle {
        focused ? TextStyle(bold: true, reverse: true) : (colors ? TextStyle(foreground: .cyan, bold: true) : TextStyle(bold: true))
    }

    /// Another user's cursor on the grid.
    func otherCursor(_ user: String) -> TextStyle {
        colors ? TextStyle(foreground: .black, background: UserColor.of(user)) : TextStyle(underline: true)
    }

    /// A cell inside this user's selection.
    var selectedCell: TextStyle { colors ? TextStyle(foreground: .black, background: .white) : TextStyle(reverse: true) }

    /// A cell inside another user's selection: underlined in their colour, so that their cursor
    /// and the cell's own highlights stay visible.
    func otherSelection(_ user: String) -> TextStyle {
        colors ? TextStyle(foreground: UserColor.of(user), underline: true) : TextStyle(underline: true)
    }

    func userName(_ user: String) -> TextStyle {
        colors ? TextStyle(foreground: UserColor.of(user), bold: true) : TextStyle(bold: true)
    }
}
