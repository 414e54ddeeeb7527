/// What a token grants: who, on which grid (or every grid), with which role, until when.
public struct TokenClaims: Hashable, Sendable, Codable {
    /// The user name the bearer acts as.
    public var user: String
    /// The grid the token opens, or `"*"` for every grid.
    public var grid: String
    public var role: Role
    /// Expiry, in seconds since the Unix epoch.
    public var expires: Int64

    public static let anyGrid = "*"

    public init(user: String, grid: String, role: Role, expires: Int64) {
        self.user = user
        self.grid = grid
        self.role = role
        self.expires = expires
    }

    enum CodingKeys: String, CodingKey {
        case user = "u"
        case grid = "g"
        case role = "r"
        case expires = "exp"
    }

    /// Whether the token opens `grid`.
    public func allows(grid name: String) -> Bool {
        grid == Self.anyGrid || grid == name
    }

    public enum Role: String, Hashable, Sendable, Codable, CaseIterable {
        /// Reads and writes cells.
        case editor
        /// Sees everything live; every write is refused.
        case viewer
        /// Everything an editor may, plus the admin commands.
        case admin

        public var canWrite: Bool { self != .viewer }
    }
}
