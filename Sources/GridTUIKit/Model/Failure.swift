/// A failure the red banner announces until it clears.
public struct Failure: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case serverLost, redisDown, mysqlDown, loginRefused, editRejected
    }

    public var kind: Kind
    /// A plain-language sentence saying what happened and what it means for the user.
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The banner's first words; stable, so that people and scripts can look for them.
    public var headline: String {
        switch kind {
        case .serverLost: "SERVER LOST"
        case .redisDown: "REDIS DOWN"
        case .mysqlDown: "MYSQL DOWN"
        case .loginRefused: "LOGIN REFUSED"
        case .editRejected: "EDIT REJECTED"
        }
    }

    /// Connection failures clear on reconnecting; a rejected edit clears on the next key.
    public var isConnectionFailure: Bool { kind != .editRejected }
}
