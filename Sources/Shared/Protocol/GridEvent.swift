/// One entry of a grid's log, in the order every server sees: accepted writes, conflicts,
/// resolutions and the session lifecycle. `id` is the log position (the grid's version).
public struct GridEvent: Hashable, Sendable, Codable {
    public struct Kind: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
        public var description: String { rawValue }

        public static let set = EditKind.set.eventKind
        public static let clear = EditKind.clear.eventKind
        public static let conflict: Kind = "conflict"
        public static let resolve = EditKind.resolve.eventKind
        /// A multi-cell edit applied: every cell of `cells` written at this one version.
        public static let multi = EditKind.multi.eventKind
        /// A multi-cell edit lost whole: `cells` are the cells that had moved, with the winners.
        public static let multiConflict: Kind = "multi.conflict"
        public static let sessionOpen: Kind = "session.open"
        public static let sessionClose: Kind = "session.close"
        public static let sessionError: Kind = "session.error"

        public var isCellWrite: Bool { self == .set || self == .clear }
        public var isSession: Bool { rawValue.hasPrefix("session.") }
    }

    public var id: Version
    public var kind: Kind
    public var cell: String?
    /// The written value (`set`), or the losing value (`conflict`).
    public var value: String?
    /// The value the cell held before this write.
    public var old: String?
    public var base: Version?
    public var user: String?
    public var session: String?
    public var server: String?
    public var op: String?
    /// Milliseconds since the Unix epoch.
    public var at: Int64
    /// For `conflict`: the committed state that won.
    public var winner: CellState?
    /// For `session.error`: what went wrong.
    public var error: String?
    /// For `multi`: the cells written; for `multi.conflict`: the cells that moved. A history page
    /// may carry only the first of them (then `count` is larger).
    public var cells: [CellChange]?
    /// For `multi` and `multi.conflict`: what the edit was (`paste`, `fill`, `sort`, `undo`,
    /// `import`, `clear`, …), how many cells it changed, and for the chunks of one import the
    /// id they share.
    public var label: String?
    public var count: Int?
    /// For `multi` and `multi.conflict`: the smallest range holding every cell of the edit.
    public var range: String?
    public var group: String?

    public init(
        id: Version, kind: Kind, cell: String? = nil, value: String? = nil, old: String? = nil,
        base: Version? = nil, user: String? = nil, session: String? = nil, server: String? = nil,
        op: String? = nil, at: Int64, winner: CellState? = nil, error: String? = nil,
        cells: [CellChange]? = nil, label: String? = nil, count: Int? = nil, group: String? = nil, range: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.cell = cell
        self.value = value
        self.old = old
        self.base = base
        self.user = user
        self.session = session
        self.server = server
        self.op = op
        self.at = at
        self.winner = winner
        self.error = error
        self.cells = cells
        self.label = label
        self.count = count
        self.group = group
        self.range = range
    }
}
