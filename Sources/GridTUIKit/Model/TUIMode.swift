import Shared

/// What the keys are doing right now: moving around, typing into a prompt, or answering a
/// dialog. Each mode has its own group of key bindings.
public enum TUIMode: Hashable, Sendable {
    case normal
    /// The line editor is open on a cell.
    case edit(EditSession)
    /// Typing a cell address to go to (`g`).
    case goto(LineEditor)
    /// Typing text to search for (`/`).
    case search(LineEditor)
    /// Typing a command (`:`), such as `sort B desc` or `export out.csv`.
    case command(LineEditor)
    /// The dialog for the first of `TUIModel.conflicts`.
    case conflict
    case confirm(Confirmation)
    /// The key table; `scroll` is the first line shown.
    case help(scroll: Int)
    /// The cells of one multi-cell history entry (Space in the history panel).
    case entry(id: Version, scroll: Int)

    public var keyMode: KeyMode? {
        switch self {
        case .normal: nil
        case .edit, .goto, .search: .editor
        case .command: .command
        case .conflict: .conflict
        case .confirm: .confirm
        case .help: .help
        case .entry: .entry
        }
    }

    /// The cell being edited, for presence.
    public var editingCell: String? {
        if case .edit(let session) = self { return session.cell }
        return nil
    }
}
