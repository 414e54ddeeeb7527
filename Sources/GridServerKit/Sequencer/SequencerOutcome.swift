import Shared

/// What the sequencer decided for one op.
public enum SequencerOutcome: Hashable, Sendable {
    case accepted(Version)
    /// Lost to `winner`; the conflict event is at `version`.
    case conflict(version: Version, winner: CellState)

    /// Parses the outcome string the sequencer script stores per op id.
    public init?(record: String) {
        let parts = record.split(separator: "\t", maxSplits: 6, omittingEmptySubsequences: false)
        guard let tag = parts.first, parts.count >= 2, let version = Version(parts[1]) else { return nil }
        switch tag {
        case "a":
            self = .accepted(version)
        case "c" where parts.count == 7:
            guard let winnerVersion = Version(parts[2]) else { return nil }
            let winner = CellState(
                value: parts[5] == "s" ? String(parts[6]) : nil, version: winnerVersion,
                user: String(parts[4]), at: Int64(parts[3]) ?? 0
            )
            self = .conflict(version: version, winner: winner)
        default:
            return nil
        }
    }
}
