import Shared

extension GridSchema {
    /// A `cells` hash record: `version \t at \t user \t kind \t value`, kind `s` (set, the value
    /// follows) or `c` (cleared, the value is empty). The sequencer script writes the same layout.
    public enum CellRecord {
        public static func encode(_ state: CellState) -> String {
            [state.version.description, String(state.at), state.user, state.value == nil ? "c" : "s", state.value ?? ""].joined(separator: "\t")
        }

        public static func decode(_ record: String) -> CellState? {
            // Split as bytes: a login parses every cell of the grid this way.
            let parts = record.utf8.split(separator: UInt8(ascii: "\t"), maxSplits: 4, omittingEmptySubsequences: false).map(Substring.init)
            guard parts.count == 5, let version = Version(parts[0]) else { return nil }
            return CellState(value: parts[3] == "s" ? String(parts[4]) : nil, version: version, user: String(parts[2]), at: Int64(parts[1]) ?? 0)
        }
    }
}
