/// What a cell holds now: its value (nil once cleared), the version that wrote it, who and when.
public struct CellState: Hashable, Sendable, Codable {
    public var value: String?
    public var version: Version
    public var user: String
    /// Milliseconds since the Unix epoch.
    public var at: Int64

    public init(value: String?, version: Version, user: String, at: Int64) {
        self.value = value
        self.version = version
        self.user = user
        self.at = at
    }
}
