import Shared

/// The line editor open on one cell.
public struct EditSession: Hashable, Sendable {
    public var cell: String
    public var editor: LineEditor
    /// The version of the cell when editing started: the edit is written over it, so that if
    /// someone commits the cell while this user types, the edit is a conflict instead of
    /// silently erasing their value. After a conflict, the winner's version.
    public var base: Version
    /// Editing after a lost edit: the text is sent even if unchanged, because the user chose
    /// to write it again.
    public var rewrite: Bool

    public init(cell: String, editor: LineEditor, base: Version, rewrite: Bool = false) {
        self.cell = cell
        self.editor = editor
        self.base = base
        self.rewrite = rewrite
    }
}
