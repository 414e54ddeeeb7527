/// A configuration the server refuses to start with; the message says how to fix it.
public struct ServerConfigurationError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    public static let noSecretMessage =
        "no token secret: set GRID_TOKEN_SECRET, or GRID_TOKEN_SECRET_FILE / --token-secret-file to a file holding it "
        + "(make one with: umask 077; openssl rand -hex 32 > token-secret)"

    public static let noAuthenticationMessage = noSecretMessage + ". For local development only, --insecure-no-auth runs without tokens."

    static let noAuthentication = ServerConfigurationError(noAuthenticationMessage)
}
