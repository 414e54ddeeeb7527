/// The client core's state as a pure value: the grid, who is online, this client's own edits
/// from send to durable, and what the server last reported. The connection feeds it server
/// messages; the TUI and headless mode read it and ask it to make edits. No I/O happens here.
public struct ClientState: Sendable {
    public private(set) var model = GridModel()
    public private(set) var users: [String: UserPresence] = [:]
    public private(set) var session: String?
    public private(set) var server: String?
    public private(set) var durable: Version = .zero
    public private(set) var historyStart: Version?
    /// This client's edits in the order made, until durable.
    public private(set) var edits: [PendingEdit] = []
    /// Conflicts reported for this client's own edits, newest last.
    public private(set) var conflicts: [ServerMessage.Conflict] = []
    /// Errors the server sent, newest last.
    public private(set) var errors: [ServerMessage.ErrorFrame] = []
    public private(set) var loggedIn = false
    /// Round-trip time of the last ping, in milliseconds.
    public private(set) var roundTripMilliseconds: Int64?

    private let clientID: String
    private var nextOp = 1

    public init(clientID: String) {
        self.clientID = clientID
    }

    public var saveState: SaveState {
        SaveState(pending: edits.count { $0.ackedVersion == nil }, acked: edits.count { $0.ackedVersion != nil })
    }

    /// Creates an edit against the version this client sees, remembers it, and returns the frame.
    public mutating func makeEdit(_ kind: PendingEdit.Kind, cell: String, value: String? = nil) -> ClientMessage {
        let op = "\(clientID)-\(nextOp)"
        nextOp += 1
        let edit = PendingEdit(op: op, kind: kind, cell: cell, value: kind == .set ? value : nil, base: model.baseVersion(of: cell))
        edits.append(edit)
        return edit.message
    }

    /// The frames to send after a (re)login: every edit not yet acked, and every acked edit the
    /// new snapshot does not contain (Redis lost it); the server drops the ones it already has.
    public func resendFrames() -> [ClientMessage] {
        edits.filter { edit in
            guard let acked = edit.ackedVersion else { return true }
            return acked > model.version
        }.map(\.message)
    }

    public mutating func loggedOut() {
        loggedIn = false
    }

    public mutating func receive(_ message: ServerMessage) {
        switch message {
        case .welcome(let welcome):
            model = GridModel(cells: welcome.cells, contested: welcome.contested, version: welcome.version)
            users = Dictionary(welcome.users.map { ($0.session, $0) }, uniquingKeysWith: { _, last in last })
            session = welcome.session
            server = welcome.server
            historyStart = welcome.historyStart
            loggedIn = true
            markDurable(welcome.durable)
        case .event(let event):
            model.apply(event)
            if historyStart == nil { historyStart = event.id }
        case .ack(let ack):
            if let index = edits.firstIndex(where: { $0.op == ack.op }) {
                edits[index].ackedVersion = ack.version
                if ack.version <= durable { edits.remove(at: index) }
            }
        case .conflict(let conflict):
            edits.removeAll { $0.op == conflict.op }
            conflicts.append(conflict)
        case .presence(let change):
            if let user = change.user { users[user.session] = user }
            if let left = change.left { users[left] = nil }
        case .durable(let durable):
            markDurable(durable.version)
        case .error(let error):
            errors.append(error)
            if let op = error.op { edits.removeAll { $0.op == op } }
        case .history:
            break
        case .pong(let ping):
            roundTripMilliseconds = max(0, WallClock.nowMilliseconds() - ping.t)
        }
    }

    private mutating func markDurable(_ version: Version) {
        durable = max(durable, version)
        edits.removeAll { edit in edit.ackedVersion.map { $0 <= durable } ?? false }
    }
}
