import Shared

/// The few facts the load generator needs from a server frame, read without building the full
/// `ServerMessage`: at tens of thousands of frames a second the bench must not be the bottleneck.
public enum BenchFrame: Equatable, Sendable {
    case welcome(version: Version, server: String)
    case event(id: Version, kind: String, cell: String?, op: String?, value: String?)
    case ack(op: String, version: Version)
    case conflict(op: String, version: Version)
    case durable(Version)
    case error(code: String, fatal: Bool, op: String?)
    case other(type: String)
}
