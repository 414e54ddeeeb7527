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
    /// The dialog for the first of `TUIModel.conflicts`.
    case conflict
    case confirm(Confirmation)
    /// The key table; `scroll` is the first line shown.
    case help(scroll: Int)

    public var keyMode: KeyMode? {
        switch self {
        case .normal: nil
        case .edit, .goto, .search: .editor
        case .conflict: .conflict
        case .confirm: .confirm
        case .help: .help
        }
    }

    /// The cell being edited, for presence.
    public var editingCell: String? {
        if case .edit(let session) = self { return session.cell }
        return nil
    }
}

/// The line editor open on one cell.
public struct EditSession: Hashable, Sendable {
    public var cell: String
    public var editor: LineEditor
    /// The version to write over, set when editing after a conflict (the winner's version);
    /// nil writes over the version this client sees. An edit with a base is sent even when the
    /// text did not change, because the user chose to write it again.
    public var base: Version?

    public init(cell: String, editor: LineEditor, base: Version? = nil) {
        self.cell = cell
        self.editor = editor
        self.base = base
    }
}

/// A yes/no question on the bottom line.
public enum Confirmation: Hashable, Sendable {
    /// `q` while edits have not been answered by the server.
    case quit(pending: Int)
    /// Starting to edit a cell someone else is editing.
    case editAnyway(cell: String, editors: [String], prefill: String)

    public var question: String {
        switch self {
        case .quit(let pending):
            "\(pending) edit\(pending == 1 ? " is" : "s are") not saved by the server yet. Quit anyway?"
        case .editAnyway(let cell, let editors, _):
            "\(editors.joined(separator: ", ")) \(editors.count == 1 ? "is" : "are") editing \(cell). Edit anyway?"
        }
    }
}
