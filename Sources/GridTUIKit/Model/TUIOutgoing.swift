import Shared

/// What the model asks the client core to send.
public enum TUIOutgoing: Hashable, Sendable {
    /// `base` nil: the version of the cell this client sees.
    case set(cell: String, value: String, base: Version? = nil)
    case clear(cell: String, base: Version? = nil)
    case resolve(cell: String)
    case presence(cursor: String?, editing: String?)

    /// The cell a set or clear writes.
    public var writtenCell: String? {
        switch self {
        case .set(let cell, _, _), .clear(let cell, _): cell
        case .resolve, .presence: nil
        }
    }

    /// Whether it changes the grid (set, clear, resolve) rather than presence.
    public var isEdit: Bool {
        if case .presence = self { return false }
        return true
    }
}
