import Crypto
import Foundation

/// Checks tokens against every secret of the keyring. Pure: the caller passes the time.
public struct TokenVerifier: Sendable {
    public let keyring: TokenKeyring

    /// Longest token looked at; anything longer is refused before any work is done on it.
    public static let maximumTokenBytes = 2048

    public init(keyring: TokenKeyring) {
        self.keyring = keyring
    }

    /// The claims of a genuine, unexpired token, checked in this order: shape, signature,
    /// expiry, then (if `grid` is given) that the token opens that grid.
    public func verify(_ token: String, grid: String? = nil, now: Int64) throws(TokenError) -> TokenClaims {
        let claims = try authenticate(token)
        guard now < claims.expires else {
            throw TokenError(.expired, "the token expired \(Self.describeAge(now - claims.expires)) ago")
        }
        if let grid, !claims.allows(grid: grid) {
            throw TokenError(.wrongGrid, "the token opens grid '\(claims.grid)', not '\(grid)'")
        }
        return claims
    }

    /// The claims if the signature is genuine; expiry and grid are not looked at.
    func authenticate(_ token: String) throws(TokenError) -> TokenClaims {
        guard token.utf8.count <= Self.maximumTokenBytes else {
            throw TokenError(.malformed, "the token is longer than \(Self.maximumTokenBytes) bytes")
        }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == TokenFormat.prefix else {
            throw TokenError(.malformed, "not a CollabGrid token (expected \(TokenFormat.prefix).<claims>.<signature>)")
        }
        guard let claimsBytes = Base64URL.decode(parts[1]), let signature = Base64URL.decode(parts[2]) else {
            throw TokenError(.malformed, "the token is not valid base64url")
        }
        guard !claimsBytes.isEmpty, signature.count == SHA256.byteCount else {
            throw TokenError(.malformed, "the token is cut short (no claims, or a signature of the wrong length)")
        }
        let signed = Array(TokenFormat.signedPart(claims: String(parts[1])).utf8)
        // Every key is tried, whether or not an earlier one matched, so timing does not say which secret signed it.
        var genuine = false
        for key in keyring.keys {
            let expected = Array(HMAC<SHA256>.authenticationCode(for: signed, using: key))
            if ConstantTime.equal(expected, signature) { genuine = true }
        }
        guard genuine else {
            throw TokenError(.badSignature, "the token's signature does not match this server's secret")
        }
        // The claims are decoded only once the signature holds, so forged JSON is never parsed.
        guard let claims = try? JSONDecoder().decode(TokenClaims.self, from: Data(claimsBytes)) else {
            throw TokenError(.malformed, "the token's claims are not readable")
        }
        return claims
    }

    static func describeAge(_ seconds: Int64) -> String {
        switch seconds {
        case ..<120: "\(seconds) s"
        case ..<7200: "\(seconds / 60) min"
        case ..<172_800: "\(seconds / 3600) h"
        default: "\(seconds / 86400) days"
        }
    }
}
