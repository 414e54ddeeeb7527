import Foundation

/// Where the token secrets come from: a file (one secret per line, the first signs) named by
/// `--token-secret-file` or `GRID_TOKEN_SECRET_FILE`, else `GRID_TOKEN_SECRET` plus, while
/// rotating, `GRID_TOKEN_SECRET_PREVIOUS`. Never the command line, where `ps` would show it.
public enum TokenSecrets {
    /// Nil when no secret is configured at all. Errors name the file or variable, never a secret.
    public static func keyring(file: String?, environment: [String: String]) throws(TokenKeyringError) -> TokenKeyring? {
        let secrets: [String]
        if let path = file ?? environment["GRID_TOKEN_SECRET_FILE"].flatMap({ $0.isEmpty ? nil : $0 }) {
            let contents: String
            do {
                contents = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw TokenKeyringError("cannot read the token secret file \(path): \(error.localizedDescription)")
            }
            secrets = TokenKeyring.secrets(fromFile: contents)
            guard !secrets.isEmpty else {
                throw TokenKeyringError("the token secret file \(path) holds no secret; put one per line (make one with: openssl rand -hex 32)")
            }
        } else if let current = environment["GRID_TOKEN_SECRET"], !current.isEmpty {
            secrets = [current] + [environment["GRID_TOKEN_SECRET_PREVIOUS"]].compactMap { $0 }.filter { !$0.isEmpty }
        } else {
            return nil
        }
        return try TokenKeyring(secrets: secrets)
    }
}
