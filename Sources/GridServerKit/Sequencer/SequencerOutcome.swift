import Shared

/// What the sequencer decided for one op. Stored per op id as a `GridSchema.OutcomeRecord`.
public enum SequencerOutcome: Hashable, Sendable {
    case accepted(Version)
    /// Lost to `winner`; the conflict event is at `version`.
    case conflict(version: Version, winner: CellState)
    /// A multi-cell edit lost whole: `moved` are its cells that had moved past their bases, each
    /// with its winner; the `multi.conflict` event is at `version`.
    case multiConflict(version: Version, moved: [CellChange])

    /// The version of the log entry the op produced (its write, resolve or conflict).
    public var version: Version {
        switch self {
        case .accepted(let version), .conflict(let version, _), .multiConflict(let version, _): version
        }
    }
}
