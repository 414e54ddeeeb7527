import Shared

extension GridSchema {
    /// An `ops` hash record, what the sequencer decided for one op id: `a \t id` for an accepted
    /// op, or `c \t id \t winner version \t winner at \t winner user \t winner kind s|c \t winner
    /// value` for one that lost, or `m \t id \t` and the moved cells (`PackedCells.encodeMoved`)
    /// for a multi-cell edit that lost. The sequencer scripts write the same layout.
    public enum OutcomeRecord {
        public static func encode(_ outcome: SequencerOutcome) -> String {
            switch outcome {
            case .accepted(let version):
                return "a\t\(version)"
            case .conflict(let version, let winner):
                return ["c", version.description, winner.version.description, String(winner.at), winner.user,
                        winner.value == nil ? "c" : "s", winner.value ?? ""].joined(separator: "\t")
            case .multiConflict(let version, let moved):
                return "m\t\(version)\t" + PackedCells.encodeMoved(moved)
            }
        }

        public static func decode(_ record: String) -> SequencerOutcome? {
            if record.hasPrefix("m\t") {
                let parts = record.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
                guard parts.count == 3, let version = Version(parts[1]), let moved = PackedCells.decodeMoved(parts[2]) else { return nil }
                return .multiConflict(version: version, moved: moved)
            }
            let parts = record.split(separator: "\t", maxSplits: 6, omittingEmptySubsequences: false)
            guard let tag = parts.first, parts.count >= 2, let version = Version(parts[1]) else { return nil }
            switch tag {
            case "a" where parts.count == 2:
                return .accepted(version)
            case "c" where parts.count == 7:
                guard let winnerVersion = Version(parts[2]) else { return nil }
                let winner = CellState(
                    value: parts[5] == "s" ? String(parts[6]) : nil, version: winnerVersion, user: String(parts[4]), at: Int64(parts[3]) ?? 0
                )
                return .conflict(version: version, winner: winner)
            default:
                return nil
            }
        }
    }
}
