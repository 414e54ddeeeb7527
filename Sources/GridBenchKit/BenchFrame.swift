import Shared

/// The few facts the load generator needs from a server frame, read without building the full
/// `ServerMessage`: at tens of thousands of frames a second the bench must not be the bottleneck.
public enum BenchFrame: Equatable, Sendable {
    case welcome(version: Version, server: String)
    /// `group`: a multi-cell event's group, where grid-bench's multi-cell edits carry their send time.
    case event(id: Version, kind: String, cell: String?, op: String?, value: String?, group: String? = nil)
    case ack(op: String, version: Version)
    case conflict(op: String, version: Version)
    case durable(Version)
    case error(code: String, fatal: Bool, op: String?)
    case other(type: String)
}
