/// Every frame a server may send.
public enum ServerMessage: Hashable, Sendable {
    case welcome(Welcome)
    case ack(Ack)
    case conflict(Conflict)
    case event(GridEvent)
    case presence(PresenceChange)
    case durable(Durable)
    case history(HistoryPage)
    case error(ErrorFrame)
    case pong(ClientMessage.Ping)
    case health(ServerHealth)

    /// Sent once after a successful hello: the grid as of `version`; every event after it follows.
    public struct Welcome: Hashable, Sendable, Codable {
        public var `protocol`: Int
        public var session: String
        public var server: String
        public var user: String
        public var grid: String
        public var version: Version
        /// Cells by address; a cleared cell is present with a nil value so its version is known.
        public var cells: [String: CellState]
        /// Contested cells, each with the id of the conflict event that contests it.
        public var contested: [String: Version]
        public var users: [UserPresence]
        /// The first entry of history, nil when the grid has none.
        public var historyStart: Version?
        /// Everything up to here is stored in MySQL.
        public var durable: Version

        public init(
            protocol: Int = ProtocolVersion.current, session: String, server: String, user: String, grid: String,
            version: Version, cells: [String: CellState], contested: [String: Version], users: [UserPresence],
            historyStart: Version?, durable: Version
        ) {
            self.protocol = `protocol`
            self.session = session
            self.server = server
            self.user = user
            self.grid = grid
            self.version = version
            self.cells = cells
            self.contested = contested
            self.users = users
            self.historyStart = historyStart
            self.durable = durable
        }
    }

    /// The op committed at `version` (in Redis; durable later). For a `multi` edit, `cell` is
    /// its first cell and `count` how many it wrote.
    public struct Ack: Hashable, Sendable, Codable {
        public var op: String
        public var cell: String
        public var version: Version
        public var count: Int?
        public init(op: String, cell: String, version: Version, count: Int? = nil) {
            self.op = op
            self.cell = cell
            self.version = version
            self.count = count
        }
    }

    /// The op lost: the cell had moved past its base. `version` is the conflict event's id.
    /// A `multi` edit loses whole: `moved` lists every cell that had moved, with its winner, and
    /// `cell`, `yours`, `base` and `theirs` repeat the first of them.
    public struct Conflict: Hashable, Sendable, Codable {
        public var op: String
        public var cell: String
        public var version: Version
        public var yours: String?
        public var base: Version
        public var theirs: CellState
        public var moved: [CellChange]?
        public init(op: String, cell: String, version: Version, yours: String?, base: Version, theirs: CellState, moved: [CellChange]? = nil) {
            self.op = op
            self.cell = cell
            self.version = version
            self.yours = yours
            self.base = base
            self.theirs = theirs
            self.moved = moved
        }
    }

    /// Either someone's presence changed (`user`) or a session left (`left`).
    public struct PresenceChange: Hashable, Sendable, Codable {
        public var user: UserPresence?
        public var left: String?
        public init(user: UserPresence? = nil, left: String? = nil) {
            self.user = user
            self.left = left
        }
    }

    public struct Durable: Hashable, Sendable, Codable {
        public var version: Version
        public init(version: Version) { self.version = version }
    }

    public struct HistoryPage: Hashable, Sendable, Codable {
        public var id: String?
        public var entries: [GridEvent]
        /// More entries exist beyond this page in the direction asked for.
        public var more: Bool
        public init(id: String?, entries: [GridEvent], more: Bool) {
            self.id = id
            self.entries = entries
            self.more = more
        }
    }

    public struct ErrorFrame: Hashable, Sendable, Codable {
        public var code: ErrorCode
        public var message: String
        /// True when the server closes the session after this frame.
        public var fatal: Bool
        /// The op this error answers, if any.
        public var op: String?
        /// The history request this error answers, if any.
        public var request: String?
        public init(code: ErrorCode, message: String, fatal: Bool? = nil, op: String? = nil, request: String? = nil) {
            self.code = code
            self.message = message
            self.fatal = fatal ?? code.endsSession
            self.op = op
            self.request = request
        }
        public init(_ error: ProtocolError, op: String? = nil, request: String? = nil) {
            self.init(code: error.code, message: error.message, op: op, request: request)
        }
    }

    public var typeName: String {
        switch self {
        case .welcome: "welcome"
        case .ack: "ack"
        case .conflict: "conflict"
        case .event: "event"
        case .presence: "presence"
        case .durable: "durable"
        case .history: "history"
        case .error: "error"
        case .pong: "pong"
        case .health: "health"
        }
    }
}
