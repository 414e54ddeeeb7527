/// The kinds of edit a client makes, named once: the client's pending edits, the wire protocol's
/// `type`, the sequencer's script argument and the log's event kind all use these raw values.
public enum EditKind: String, Hashable, Sendable, Codable, CaseIterable {
    case set
    case clear
    case resolve
    /// Many cells at once, all or nothing (docs/PROTOCOL.md §3.3).
    case multi

    /// The log entry an accepted edit of this kind becomes.
    public var eventKind: GridEvent.Kind { GridEvent.Kind(rawValue) }
}
