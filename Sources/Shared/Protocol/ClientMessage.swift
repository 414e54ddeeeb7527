/// Every frame a client may send. The JSON form is an object whose `type` names the case and
/// whose other members are the payload's fields (see docs/PROTOCOL.md).
public enum ClientMessage: Hashable, Sendable {
    case hello(Hello)
    case set(Edit)
    case clear(Edit)
    case resolve(Edit)
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
        public init(protocol: Int = ProtocolVersion.current, user: String, grid: String, token: String? = nil, client: String? = nil, events: Bool? = nil) {
            self.protocol = `protocol`
            self.user = user
            self.grid = grid
            self.token = token
            self.client = client
            self.events = events
        }
    }

    /// A cell write. `base` is the version of the cell its author last saw (`0-0` if never written).
    public struct Edit: Hashable, Sendable, Codable {
        public var op: String
        public var cell: String
        public var value: String?
        public var base: Version
        /// True on a frame resent after a reconnect (docs/PROTOCOL.md §6): if the server no longer
        /// remembers the op, it asks MySQL before sequencing it, so an old op is never applied twice.
        public var resend: Bool?
        public init(op: String, cell: String, value: String? = nil, base: Version, resend: Bool? = nil) {
            self.op = op
            self.cell = cell
            self.value = value
            self.base = base
            self.resend = resend
        }
    }

    public struct PresenceUpdate: Hashable, Sendable, Codable {
        public var cursor: String?
        public var editing: String?
        public init(cursor: String?, editing: String?) {
            self.cursor = cursor
            self.editing = editing
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
        case .set: "set"
        case .clear: "clear"
        case .resolve: "resolve"
        case .presence: "presence"
        case .history: "history"
        case .ping: "ping"
        }
    }
}

public enum ProtocolVersion {
    public static let current = 1
}
