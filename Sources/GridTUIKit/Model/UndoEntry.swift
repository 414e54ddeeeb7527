import Shared

/// One of this user's own edits that `u` can take back: the value the cell held before it, and
/// once known the op id the client core gave it and the version it was committed at.
public struct UndoEntry: Hashable, Sendable {
    public var cell: String
    /// nil: the cell was empty, so undo clears it.
    public var previous: String?
    public var op: String?
    /// The version the edit was committed at; an undo names it as its base, so that if someone
    /// wrote the cell since, the undo is a conflict instead of silently erasing their write.
    public var version: Version?

    public init(cell: String, previous: String?, op: String? = nil, version: Version? = nil) {
        self.cell = cell
        self.previous = previous
        self.op = op
        self.version = version
    }
}
