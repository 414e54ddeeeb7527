/// Every frame a client may send. The JSON form is an object whose `type` names the case and
/// whose other members are the payload's fields (see docs/PROTOCOL.md).
public enum ClientMessage: Hashable, Sendable {
    case hello(Hello)
    /// `set`, `clear`, `resolve` or `multi`: the frame's `type` is the edit's kind.
    case edit(Edit)
    case presence(PresenceUpdate)
    case history(HistoryRequest)
    case ping(Ping)

    public struct Hello: Hashable, Sendable, Codable {
        public var `protocol`: Int
        public var user: String
        public var grid: String
        public var token: String?
        public var client: String?
        /// `false`: a write-only session (an importer, a load generator) that gets the answers
        /// to its own edits and the durable watermark, but no events or presence. Default true.
        public var events: Bool?
        /// What the client understands beyond the protocol's first form (`ClientFeature`). A
        /// session that gets events must state `multi`.
        public var features: [String]?
        public init(
            protocol: Int = ProtocolVersion.current, user: String, grid: String, token: String? = nil, client: String? = nil,
            events: Bool? = nil, features: [String]? = ClientFeature.all
        ) {
            self.protocol = `protocol`
            self.user = user
            self.grid = grid
            self.token = token
            self.client = client
            self.events = events
            self.features = features
        }
    }

    /// A cell write. `base` is the version of the cell its author last saw (`0-0` if never written).
    /// The kind travels as the frame's `type`, so it is not one of the payload's members.
    /// A `multi` edit carries its cells in `cells` (each with its own base) and no `cell`,
    /// `value` or `base` of its own: there `cell` is its first cell, for answers that name one.
    public struct Edit: Hashable, Sendable {
        public var kind: EditKind
        public var op: String
        public var cell: String
        public var value: String?
        public var base: Version
        /// Set on frames a client sends again after a reconnect (docs/PROTOCOL.md §6): only those
        /// may name an op that Redis no longer remembers.
        public var resend: Bool?
        /// `multi` only: the cells, what the edit was (`paste`, `fill`, …), and the id shared
        /// by the chunks of one import.
        public var cells: [CellChange]?
        public var label: String?
        public var group: String?

        public init(_ kind: EditKind, op: String, cell: String, value: String? = nil, base: Version, resend: Bool? = nil) {
            self.kind = kind
            self.op = op
            self.cell = cell
            self.value = value
            self.base = base
            self.resend = resend
        }

        /// A multi-cell edit: every change names its cell, its value (nil clears) and its base.
        public init(multi op: String, cells: [CellChange], label: String, group: String? = nil, resend: Bool? = nil) {
            self.init(.multi, op: op, cell: cells.first?.cell ?? "", base: .zero, resend: resend)
            self.cells = cells
            self.label = label
            self.group = group
        }
    }

    public struct PresenceUpdate: Hashable, Sendable, Codable {
        public var cursor: String?
        public var editing: String?
        /// The selected range (`B2:E31`), which others see outlined; absent: none.
        public var selection: String?
        public init(cursor: String?, editing: String?, selection: String? = nil) {
            self.cursor = cursor
            self.editing = editing
            self.selection = selection
        }
    }

    /// One page of history. With `after`, the oldest entries after it; with `before`, the newest
    /// entries before it; with neither, the newest entries. Always returned oldest first.
    public struct HistoryRequest: Hashable, Sendable, Codable {
        public var id: String?
        public var before: Version?
        public var after: Version?
        public var limit: Int
        public init(id: String? = nil, before: Version? = nil, after: Version? = nil, limit: Int) {
            self.id = id
            self.before = before
            self.after = after
            self.limit = limit
        }
    }

    public struct Ping: Hashable, Sendable, Codable {
        public var t: Int64
        public init(t: Int64) { self.t = t }
    }

    public var typeName: String {
        switch self {
        case .hello: "hello"
        case .edit(let edit): edit.kind.rawValue
        case .presence: "presence"
        case .history: "history"
        case .ping: "ping"
        }
    }
}

public enum ProtocolVersion {
    public static let current = 1
}
