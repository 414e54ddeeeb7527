import Foundation
import GridAuth

/// The token secret every test server runs with, and tokens minted in-process with it, the way
/// `grid-server token` mints them.
enum TestTokens {
    /// Test-only; every real deployment makes its own (docs/SECURITY.md).
    static let secret = "collabgrid-system-tests-0123456789abcdef0123456789abcdef"

    static func make(user: String, grid: String, role: TokenClaims.Role = .editor, ttlSeconds: Int64 = 3600, secret: String = secret) -> String {
        // The secret above is long enough by construction.
        let keyring = try! TokenKeyring(secrets: [secret])
        return TokenSigner(keyring: keyring).sign(user: user, grid: grid, role: role, ttlSeconds: ttlSeconds, now: Int64(Date().timeIntervalSince1970))
    }

    /// The environment of a child process: this one's, with the test secret and `GRID_TOKEN` as given
    /// (nil removes any inherited one).
    static func environment(token: String?, extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["GRID_TOKEN_SECRET"] = secret
        environment["GRID_TOKEN_SECRET_FILE"] = nil
        environment["GRID_TOKEN_SECRET_PREVIOUS"] = nil
        environment["GRID_TOKEN"] = token
        return environment.merging(extra) { $1 }
    }
}
