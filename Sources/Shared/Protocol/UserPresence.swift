/// One online session as everyone sees it: who, on which server, where the cursor is and which
/// cell (if any) they are editing.
public struct UserPresence: Hashable, Sendable, Codable {
    public var session: String
    public var user: String
    public var server: String
    public var cursor: String?
    public var editing: String?
    /// The range the user has selected, as `B2:E31`.
    public var selection: String?
    /// Milliseconds since the Unix epoch of the last change.
    public var at: Int64

    public init(session: String, user: String, server: String, cursor: String? = nil, editing: String? = nil, selection: String? = nil, at: Int64) {
        self.session = session
        self.user = user
        self.server = server
        self.cursor = cursor
        self.editing = editing
        self.selection = selection
        self.at = at
    }
}
