import Shared

/// The one place the bench builds `hello`, so that per-user tokens can be minted here later
/// without touching the clients that send it.
public struct HelloFactory: Sendable {
    /// Sent as `hello.token` when set (`--token` or `$GRID_TOKEN`).
    public var token: String?
    public var clientName = "grid-bench"

    public init(token: String? = nil) {
        self.token = token
    }

    public func frame(user: String, grid: String) -> String {
        WireCodec().encode(ClientMessage.hello(.init(user: user, grid: grid, token: token, client: clientName)))
    }
}
