/// The one key table: every key the program reacts to, in which mode, doing what. `?` shows it,
/// and `TUIModel.handle` dispatches through it; nothing else looks at keys.
public enum KeyBindings {
    public static let table: [KeyBinding] = [
        // Grid: moving the cell cursor and editing.
        .init(.key(.up), .grid, .moveUp, "move up"),
        .init(.char("k"), .grid, .moveUp, "move up"),
        .init(.key(.down), .grid, .moveDown, "move down"),
        .init(.char("j"), .grid, .moveDown, "move down"),
        .init(.key(.left), .grid, .moveLeft, "move left"),
        .init(.char("h"), .grid, .moveLeft, "move left"),
        .init(.key(.right), .grid, .moveRight, "move right"),
        .init(.char("l"), .grid, .moveRight, "move right"),
        .init(.key(.pageUp), .grid, .pageUp, "one screen up"),
        .init(.key(.pageDown), .grid, .pageDown, "one screen down"),
        .init(.key(.home), .grid, .firstColumn, "first column (A)"),
        .init(.key(.end), .grid, .lastColumn, "last used column of the row"),
        .init(.key(.enter), .grid, .edit, "edit the cell's value"),
        .init(.char("i"), .grid, .edit, "edit the cell's value"),
        .init(.char("c"), .grid, .editNew, "type a new value (change)"),
        .init(.char("="), .grid, .editFormula, "start a formula (the = stays)"),
        .init(.char("F"), .grid, .toggleFormulas, "show formulas instead of values"),
        .init(.key(.delete), .grid, .clear, "clear the cell or the selection"),
        .init(.char("x"), .grid, .clear, "clear the cell or the selection"),
        .init(.char("u"), .grid, .undo, "undo your last edit (as a new edit)"),
        .init(.char("<"), .grid, .narrowColumn, "narrow the column"),
        .init(.char(">"), .grid, .widenColumn, "widen the column"),
        // Grid: ranges. Each change of many cells is one edit: all of it lands, or none.
        .init(.char("v"), .grid, .toggleSelection, "start (or drop) a selection at the cursor"),
        .init(.key(.shiftUp), .grid, .extendUp, "select upwards"),
        .init(.key(.shiftDown), .grid, .extendDown, "select downwards"),
        .init(.key(.shiftLeft), .grid, .extendLeft, "select to the left"),
        .init(.key(.shiftRight), .grid, .extendRight, "select to the right"),
        .init(.key(.escape), .grid, .clearSelection, "drop the selection"),
        .init(.char("y"), .grid, .copy, "copy the selection (also to the system clipboard)"),
        .init(.char("d"), .grid, .cut, "cut the selection (copy, then clear it)"),
        .init(.char("p"), .grid, .paste, "paste at the cursor (relative references shift)"),
        .init(.key(.control("d")), .grid, .fillDown, "fill down: series or copies of the top cells"),
        .init(.key(.control("r")), .grid, .fillRight, "fill right: series or copies of the left cells"),
        .init(.pasted, .grid, .pasteText, "text pasted in the terminal lands from the cursor"),
        .init(.char(":"), .grid, .commandLine, "command line (:help lists the commands)"),
        // Anywhere outside prompts.
        .init(.char("g"), .normal, .gotoCell, "go to a cell, e.g. C12"),
        .init(.char("/"), .normal, .search, "search values"),
        .init(.char("n"), .normal, .searchNext, "next match"),
        .init(.key(.tab), .normal, .focusNext, "focus: grid, users, history"),
        .init(.key(.backTab), .normal, .focusPrevious, "focus the other way"),
        .init(.char("U"), .normal, .toggleUsers, "show/hide the users panel"),
        .init(.char("H"), .normal, .toggleHistory, "show/hide the history panel"),
        .init(.char("?"), .normal, .help, "this help"),
        .init(.key(.escape), .normal, .backToGrid, "back to the grid"),
        .init(.char("q"), .normal, .quit, "quit (asks if edits are unsaved)"),
        // Users panel.
        .init(.key(.up), .users, .selectPrevious, "previous user"),
        .init(.char("k"), .users, .selectPrevious, "previous user"),
        .init(.key(.down), .users, .selectNext, "next user"),
        .init(.char("j"), .users, .selectNext, "next user"),
        .init(.key(.enter), .users, .jump, "go to the user's cursor"),
        // History panel.
        .init(.key(.up), .history, .selectPrevious, "older entry"),
        .init(.char("k"), .history, .selectPrevious, "older entry"),
        .init(.key(.down), .history, .selectNext, "newer entry"),
        .init(.char("j"), .history, .selectNext, "newer entry"),
        .init(.key(.pageUp), .history, .selectPageUp, "one page older"),
        .init(.key(.pageDown), .history, .selectPageDown, "one page newer"),
        .init(.key(.home), .history, .selectFirst, "oldest loaded (loads more)"),
        .init(.key(.end), .history, .selectLast, "newest, follow live"),
        .init(.key(.enter), .history, .jump, "go to the entry's cell"),
        .init(.char(" "), .history, .expandEntry, "show every cell of a paste, fill, sort or import"),
        // Command line: the line editor's keys work too.
        .init(.key(.up), .command, .commandOlder, "older command"),
        .init(.key(.down), .command, .commandNewer, "newer command"),
        .init(.key(.tab), .command, .commandComplete, "complete a command or file name"),
        // Line editor: editing a cell, going to a cell, searching.
        .init(.key(.left), .editor, .editorLeft, "caret left"),
        .init(.key(.right), .editor, .editorRight, "caret right"),
        .init(.key(.home), .editor, .editorStart, "caret to start"),
        .init(.key(.end), .editor, .editorEnd, "caret to end"),
        .init(.key(.backspace), .editor, .editorBackspace, "delete before caret"),
        .init(.key(.delete), .editor, .editorDelete, "delete at caret"),
        .init(.key(.enter), .editor, .editorCommit, "commit"),
        .init(.key(.escape), .editor, .editorCancel, "cancel"),
        .init(.printable, .editor, .editorInsert, "typed text is inserted"),
        .init(.pasted, .editor, .editorInsert, "pasted text is inserted (its first line)"),
        // Conflict dialog.
        .init(.char("t"), .conflict, .keepTheirs, "keep theirs (resolve); for many cells, drop mine"),
        .init(.char("m"), .conflict, .writeMineAgain, "write mine again; for many cells, re-apply on the new values"),
        .init(.char("e"), .conflict, .editMine, "edit mine, then write it; many cells go to the clipboard"),
        .init(.key(.escape), .conflict, .decideLater, "decide later (cell stays contested)"),
        // Yes/no questions.
        .init(.char("y"), .confirm, .confirmYes, "yes"),
        .init(.char("n"), .confirm, .confirmNo, "no"),
        .init(.key(.escape), .confirm, .confirmNo, "no"),
        // Help.
        .init(.key(.up), .help, .helpUp, "scroll up"),
        .init(.char("k"), .help, .helpUp, "scroll up"),
        .init(.key(.down), .help, .helpDown, "scroll down"),
        .init(.char("j"), .help, .helpDown, "scroll down"),
        .init(.key(.pageUp), .help, .helpPageUp, "page up"),
        .init(.key(.pageDown), .help, .helpPageDown, "page down"),
        .init(.key(.escape), .help, .closeHelp, "close"),
        .init(.char("q"), .help, .closeHelp, "close"),
        .init(.char("?"), .help, .closeHelp, "close"),
        // An entry's cells.
        .init(.key(.up), .entry, .helpUp, "scroll up"),
        .init(.char("k"), .entry, .helpUp, "scroll up"),
        .init(.key(.down), .entry, .helpDown, "scroll down"),
        .init(.char("j"), .entry, .helpDown, "scroll down"),
        .init(.key(.pageUp), .entry, .helpPageUp, "page up"),
        .init(.key(.pageDown), .entry, .helpPageDown, "page down"),
        .init(.key(.enter), .entry, .jump, "go to the entry's range"),
        .init(.key(.escape), .entry, .closeHelp, "close"),
        .init(.char(" "), .entry, .closeHelp, "close"),
        .init(.char("q"), .entry, .closeHelp, "close"),
    ]

    /// The first binding for `key` in the first of `modes` that has one.
    public static func binding(for key: Key, in modes: [KeyMode]) -> KeyBinding? {
        for mode in modes {
            if let binding = table.first(where: { $0.mode == mode && $0.key.matches(key) }) { return binding }
        }
        return nil
    }

    /// The table as help lines: per mode, the keys of each action together.
    public static func helpLines() -> [String] {
        var lines: [String] = []
        for mode in KeyMode.allCases {
            let rows = table.filter { $0.mode == mode }
            guard !rows.isEmpty else { continue }
            if !lines.isEmpty { lines.append("") }
            lines.append(mode.title)
            var seen: [TUIAction] = []
            for row in rows where !seen.contains(row.action) {
                seen.append(row.action)
                let keys = rows.filter { $0.action == row.action }.map(\.key.label).joined(separator: " ")
                lines.append("  " + keys.padding(to: 16) + " " + row.description)
            }
        }
        lines.append("")
        lines.append("Commands (type : first; Tab completes names and files)")
        for command in TUICommand.all {
            lines.append("  :" + command.usage)
            lines.append("      " + command.description)
        }
        return lines
    }
}

