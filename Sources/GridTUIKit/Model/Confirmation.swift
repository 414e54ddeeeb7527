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
