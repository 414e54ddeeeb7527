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

    static func quoted(_ value: String?) -> String {
        value.map { "\"\($0)\"" } ?? "(empty)"
    }
}
