import Crypto
import Foundation

/// Issues tokens with the keyring's first secret.
public struct TokenSigner: Sendable {
    public let keyring: TokenKeyring

    public init(keyring: TokenKeyring) {
        self.keyring = keyring
    }

    public func sign(_ claims: TokenClaims) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Encoding four plain fields cannot fail.
        let json = try! encoder.encode(claims)
        let claimsPart = Base64URL.encode(json)
        let signed = TokenFormat.signedPart(claims: claimsPart)
        let mac = HMAC<SHA256>.authenticationCode(for: Array(signed.utf8), using: keyring.signingKey)
        return "\(signed).\(Base64URL.encode(mac))"
    }

    /// Claims lasting `ttl` seconds from `now` (seconds since the Unix epoch).
    public func sign(user: String, grid: String, role: TokenClaims.Role, ttlSeconds: Int64, now: Int64) -> String {
        sign(TokenClaims(user: user, grid: grid, role: role, expires: now + ttlSeconds))
    }
}

extension TokenSigner {
    /// The signature part for arbitrary signed text; tests use it to sign claims the signer would never write.
    func macForTesting(_ signed: String) -> String {
        Base64URL.encode(HMAC<SHA256>.authenticationCode(for: Array(signed.utf8), using: keyring.signingKey))
    }
}
