import GridAuth
import Shared

/// Decides whether a `hello` may log in and with which role, from its token alone. Pure: the
/// caller passes the time. Every refusal has its own `auth_` code and a message that says what
/// to do; none repeats the token.
struct LoginAuthorizer: Sendable {
    let authentication: ServerConfiguration.Authentication

    func authorize(_ hello: ClientMessage.Hello, now: Int64) -> Result<TokenClaims.Role, ProtocolError> {
        guard case .tokens(let verifier) = authentication else { return .success(.editor) }
        let user = NameRules.isValidUser(hello.user) ? hello.user : "NAME"
        let grid = NameRules.isValidGrid(hello.grid) ? hello.grid : "GRID"
        let issue = "ask an admin for a token: grid-server token --user \(user) --grid \(grid) --role editor"
        guard let token = hello.token, !token.isEmpty else {
            return .failure(ProtocolError(.authTokenMissing, "this server requires an access token; pass --token or set GRID_TOKEN (\(issue))"))
        }
        let claims: TokenClaims
        do {
            claims = try verifier.verify(token, grid: hello.grid, now: now)
        } catch {
            switch error.code {
            case .expired:
                return .failure(ProtocolError(.authTokenExpired, "\(error.message); \(issue)"))
            case .wrongGrid:
                return .failure(ProtocolError(.authWrongGrid, "\(error.message); open that grid, or \(issue)"))
            default:
                return .failure(ProtocolError(.authTokenInvalid, "the token was not issued by this server (\(error.message)); \(issue)"))
            }
        }
        guard claims.user == hello.user else {
            return .failure(ProtocolError(
                .authWrongUser, "the token belongs to user '\(claims.user)', not '\(Self.shown(hello.user))'; log in as '\(claims.user)', or \(issue)"
            ))
        }
        return .success(claims.role)
    }

    /// Names are checked after the token, so a refusal may echo text that is not a valid name: cut and escape it.
    private static func shown(_ name: String) -> String {
        String(name.prefix(32).unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?" })
    }
}
