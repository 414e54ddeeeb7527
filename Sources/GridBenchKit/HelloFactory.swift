import GridAuth
import Shared

/// The one place the bench builds `hello`. Every bench client is a user of its own, so with the
/// servers' secret at hand each gets its own token; otherwise one given token is sent by all.
public struct HelloFactory: Sendable {
    /// Sent as `hello.token` when no signer is set (`--token` or `$GRID_TOKEN`).
    public var token: String?
    /// Mints each client's editor token (from `$GRID_TOKEN_SECRET` or a secret file).
    public var signer: TokenSigner?
    public var clientName = "grid-bench"
    /// False: write-only sessions, which get no events (`--no-events`).
    public var events = true

    public init(token: String? = nil, signer: TokenSigner? = nil) {
        self.token = token
        self.signer = signer
    }

    public func frame(user: String, grid: String) -> String {
        let token = signer.map {
            $0.sign(user: user, grid: grid, role: .editor, ttlSeconds: 8 * 3600, now: WallClock.nowMilliseconds() / 1000)
        } ?? self.token
        return WireCodec().encode(ClientMessage.hello(.init(user: user, grid: grid, token: token, client: clientName, events: events ? nil : false)))
    }
}
