/// Why a token was refused. `code` is stable; `message` says what to do about it and never
/// repeats the token or a secret.
public struct TokenError: Error, Hashable, Sendable, CustomStringConvertible {
    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    public struct Code: Hashable, Sendable {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// Not shaped like a token: wrong prefix, bad base64url, claims that are not JSON.
        public static let malformed = Code("malformed")
        /// Shaped right, but signed with none of the accepted secrets (forged, or from another deployment).
        public static let badSignature = Code("bad_signature")
        /// Genuine but past its expiry.
        public static let expired = Code("expired")
        /// Genuine and current, but for another grid.
        public static let wrongGrid = Code("wrong_grid")
    }
}
