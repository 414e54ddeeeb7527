import Shared

/// What one history entry says, after its time and author: which cell, and the old and new
/// value, or the conflict, resolution or session event.
public enum HistoryEntryText {
    public static func describe(_ event: GridEvent, glyphs: Glyphs) -> String {
        let cell = event.cell ?? "?"
        switch event.kind {
        case .set:
            return "\(cell) \(quoted(event.old)) \(glyphs.arrow) \(quoted(event.value))"
        case .clear:
            return "\(cell) \(quoted(event.old)) \(glyphs.arrow) (cleared)"
        case .conflict:
            let winner = event.winner.map { " to \(quoted($0.value)) by \($0.user)" } ?? ""
            return "\(cell) CONFLICT: \(quoted(event.value)) lost\(winner)"
        case .resolve:
            return "\(cell) resolved: current value kept"
        case .multi:
            return "\(pastTense(event.label)) \(cells(event)) in \(event.range ?? "?")"
        case .multiConflict:
            let moved = event.cells ?? []
            let winners = moved.prefix(3).map { "\($0.cell) by \($0.winner?.user ?? "?")" }.joined(separator: ", ")
            let more = moved.count > 3 ? ", …" : ""
            return "\(event.label ?? "edit") of \(event.range ?? "?") LOST: \(event.count ?? moved.count) cells had moved (\(winners)\(more))"
        case .sessionOpen:
            return "joined via \(event.server ?? "?")"
        case .sessionClose:
            return "left"
        case .sessionError:
            return "session error: \(event.error ?? "unknown")"
        default:
            return "\(event.kind) \(cell)"
        }
    }

    /// "pasted", "filled", …: what a person did, from the edit's label.
    static func pastTense(_ label: String?) -> String {
        switch label {
        case "paste": "pasted"
        case "fill": "filled"
        case "sort": "sorted"
        case "undo": "undid"
        case "import": "imported"
        case "clear": "cleared"
        case "cut": "cut"
        case let other?: other
        case nil: "changed"
        }
    }

    static func cells(_ event: GridEvent) -> String {
        let count = event.count ?? event.cells?.count ?? 0
        return count == 1 ? "1 cell" : "\(count) cells"
    }

    static func quoted(_ value: String?) -> String {
        value.map { "\"\($0)\"" } ?? "(empty)"
    }
}
