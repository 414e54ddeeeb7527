import Crypto
import Foundation

/// The secrets a deployment accepts. The first signs new tokens; every one verifies, so a secret
/// can be rotated without logging everyone out: add the new one first, keep the old one second
/// until the tokens it signed have expired, then remove it.
public struct TokenKeyring: Sendable {
    /// Raw secret bytes; a `SymmetricKey` is made per use because swift-crypto's is not `Sendable`.
    private let secrets: [[UInt8]]

    /// Shortest secret accepted, in bytes; `openssl rand -hex 32` gives 64.
    public static let minimumSecretBytes = 32

    /// Fails with a message that names the problem but never the secret.
    public init(secrets: [String]) throws(TokenKeyringError) {
        guard !secrets.isEmpty else {
            throw TokenKeyringError("no token secret given; set GRID_TOKEN_SECRET or GRID_TOKEN_SECRET_FILE (make one with: openssl rand -hex 32)")
        }
        for (index, secret) in secrets.enumerated() where secret.utf8.count < Self.minimumSecretBytes {
            throw TokenKeyringError(
                "token secret \(index + 1) is \(secret.utf8.count) bytes; use at least \(Self.minimumSecretBytes) (make one with: openssl rand -hex 32)"
            )
        }
        self.secrets = secrets.map { Array($0.utf8) }
    }

    /// The secrets in a secret file: one per line, first line signs; blank lines and lines
    /// starting with `#` are skipped; surrounding whitespace (a trailing newline) is not part of a secret.
    public static func secrets(fromFile contents: String) -> [String] {
        contents.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    var signingKey: SymmetricKey { SymmetricKey(data: secrets[0]) }

    /// Every accepted key, the signing one first.
    var keys: [SymmetricKey] { secrets.map { SymmetricKey(data: $0) } }
}

/// A keyring could not be built; the message says how to fix it.
public struct TokenKeyringError: Error, Sendable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
