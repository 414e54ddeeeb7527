/// What the connection is doing, for status bars and scripts.
public enum ConnectionStatus: Hashable, Sendable {
    case connecting(server: String)
    case connected(server: String)
    /// Lost or refused; trying `server` next at `retryAt` (epoch milliseconds).
    case waiting(server: String, retryAt: Int64, reason: String)
    /// Stopped for good: a refusal that retrying cannot fix, or `stop()`.
    case stopped(reason: String?)

    /// The server this status is about, if any.
    public var server: String? {
        switch self {
        case .connecting(let server), .connected(let server), .waiting(let server, _, _): server
        case .stopped: nil
        }
    }
}
