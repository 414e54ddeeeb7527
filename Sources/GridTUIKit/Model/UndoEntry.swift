import Shared

/// One of this user's own edits that `u` can take back: what its cells held before it, and once
/// known the op id the client core gave it and the version it was committed at.
public struct UndoEntry: Hashable, Sendable {
    /// Each cell the edit wrote, with the value it held before (`value` nil: it was empty, so
    /// undo clears it). One cell for a single edit; a paste, fill, sort or cut has many, and its
    /// undo is one multi-cell edit.
    public var before: [CellChange]
    /// What the edit was ("paste", "fill", "sort", "cut", "clear"); nil for a single-cell edit.
    public var label: String?
    public var op: String?
    /// The version the edit was committed at; an undo names it as its base, so that if someone
    /// wrote the cell since, the undo is a conflict instead of silently erasing their write.
    public var version: Version?
    /// Cells an undo of a later own edit has since written back to what this edit left: their
    /// version is that undo's, so this edit's own undo is judged against it, not against a
    /// version that only this user's own, taken-back edits have moved past.
    public var rebased: [String: Version] = [:]

    public init(cell: String, previous: String?, op: String? = nil, version: Version? = nil) {
        self.init(before: [CellChange(cell: cell, value: previous)], label: nil, op: op, version: version)
    }

    public init(before: [CellChange], label: String?, op: String? = nil, version: Version? = nil) {
        self.before = before
        self.label = label
        self.op = op
        self.version = version
    }

    /// The base for undoing `cell`.
    public func base(of cell: String) -> Version? { rebased[cell] ?? version }

    /// The first cell written: where undo moves the cursor.
    public var cell: String { before.first?.cell ?? "A1" }
    public var previous: String? { before.first?.value }
    public var isMulti: Bool { label != nil }
}
