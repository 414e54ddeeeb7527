/// A failure the red banner announces until it clears.
public struct Failure: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case serverLost, redisDown, mysqlDown, loginRefused, editRejected
        /// The connection moved to another server (or back to the same one) after a loss.
        case failedOver
    }

    public var kind: Kind
    /// A plain-language sentence saying what happened and what it means for the user.
    public var message: String

    /// Epoch milliseconds at which it clears by itself; nil: when what failed recovers.
    public var until: Int64?

    public init(_ kind: Kind, _ message: String, until: Int64? = nil) {
        self.kind = kind
        self.message = message
        self.until = until
    }

    /// The banner's first words; stable, so that people and scripts can look for them.
    public var headline: String {
        switch kind {
        case .serverLost: "SERVER LOST"
        case .redisDown: "REDIS DOWN"
        case .mysqlDown: "MYSQL DOWN"
        case .loginRefused: "LOGIN REFUSED"
        case .editRejected: "EDIT REJECTED"
        case .failedOver: "FAILED OVER"
        }
    }

    /// Connection failures clear on reconnecting; a rejected edit clears on the next key.
    public var isConnectionFailure: Bool { kind != .editRejected && kind != .failedOver }
}
