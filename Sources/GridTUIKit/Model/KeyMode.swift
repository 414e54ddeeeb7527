/// The groups of the key table. `normal` keys work whatever has focus outside prompts and
/// dialogs; `grid`, `users` and `history` only while that part has focus.
public enum KeyMode: String, Hashable, Sendable, CaseIterable {
    case grid, normal, users, history, command, editor, conflict, confirm, help, entry

    public var title: String {
        switch self {
        case .grid: "Grid"
        case .users: "Users panel"
        case .history: "History panel"
        case .normal: "Anywhere"
        case .command: "Command line (:), and the line editor's keys"
        case .editor: "Line editor (edit, go to, search, commands)"
        case .conflict: "Conflict dialog"
        case .confirm: "Yes/no questions"
        case .help: "This help"
        case .entry: "An entry's cells (Space in the history panel)"
        }
    }
}
