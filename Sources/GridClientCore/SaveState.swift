/// Where the user's own edits are: waiting for the server, committed in Redis, or stored in MySQL.
public struct SaveState: Hashable, Sendable {
    public var pending: Int
    public var acked: Int
    public init(pending: Int, acked: Int) {
        self.pending = pending
        self.acked = acked
    }
    public var isDurable: Bool { pending == 0 && acked == 0 }
}
