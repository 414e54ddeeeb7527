/// The token's text form: `cg1.<base64url(JSON claims)>.<base64url(HMAC-SHA256(secret, "cg1.<claims part>"))>`.
/// The prefix names the format version, so a later format can be told apart and refused clearly.
enum TokenFormat {
    static let prefix = "cg1"

    /// The bytes the signature covers: the prefix and the claims part, exactly as sent.
    static func signedPart(claims: String) -> String { "\(prefix).\(claims)" }
}
