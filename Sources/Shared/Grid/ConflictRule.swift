/// The conflict rule, as a pure function: first committed write wins.
///
/// A write carries the version of the cell its author last saw (`base`). It commits only if the
/// cell has not moved since; otherwise it loses and is kept as a conflict event, and the cell shows
/// as contested until a later committed write (or an explicit resolve) settles it.
/// The Redis sequencer script implements exactly this decision atomically.
public enum ConflictRule {
    public enum Decision: Equatable, Sendable {
        /// The op id was already sequenced: repeat its original outcome, write nothing.
        case duplicate
        case accept
        /// The cell moved past `base`; `current` is the winning state the writer did not see.
        case conflict(current: Version)
    }

    public static func decide(alreadySequenced: Bool, currentVersion: Version, base: Version) -> Decision {
        if alreadySequenced { return .duplicate }
        return currentVersion == base ? .accept : .conflict(current: currentVersion)
    }
}
