import Foundation
import Shared

/// The client core's state as a pure value: the grid, who is online, this client's own edits
/// from send to durable, and what the server last reported. Its one owner (the TUI's app loop,
/// the headless runner) feeds it the transport's messages and status changes, makes edits
/// through it, and sends the frames it returns. No I/O happens here.
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
    /// The connected server's view of Redis, MySQL, persister lag and spool.
    public private(set) var health: ServerHealth?
    /// Round-trip time of the last ping, in milliseconds.
    public private(set) var roundTripMilliseconds: Int64?

    /// Edits the server refused for now (`rate_limited`), sent again by `takeRateLimitedRetries`.
    public private(set) var rateLimited: [String] = []

    private let clientID: String
    private var nextOp = 1
    private var touchedCells: Set<String> = []
    private var reloaded = false

    public init(clientID: String) {
        self.clientID = clientID
    }

    /// A client id for op ids, unique enough that two clients never share one.
    public static func randomClientID() -> String {
        String(UUID().uuidString.prefix(8)).lowercased()
    }

    public var saveState: SaveState {
        SaveState(pending: edits.count { $0.ackedVersion == nil }, acked: edits.count { $0.ackedVersion != nil })
    }

    /// Creates an edit against the version this client sees and remembers it. Returns the frame
    /// to send, or nil when the edit waits behind an unanswered edit of the same cell.
    /// `base` overrides the version the edit names: an undo names the version its own earlier
    /// write got, so that a write someone made since makes it a conflict instead of erasing it.
    public mutating func makeEdit(_ kind: EditKind, cell: String, value: String? = nil, base: Version? = nil) -> (op: String, frame: ClientMessage?) {
        let op = "\(clientID)-\(nextOp)"
        nextOp += 1
        var edit = PendingEdit(op: op, kind: kind, cell: cell, value: kind == .set ? value : nil, base: base ?? currentBase(of: cell))
        edit.isQueued = edits.contains { $0.touches(cell) && $0.ackedVersion == nil }
        edits.append(edit)
        if kind != .resolve { touchedCells.insert(cell) }
        return (op, edit.isQueued ? nil : edit.message)
    }

    /// Creates one multi-cell edit (a paste, fill, sort, undo or import chunk): every cell
    /// written at once or none. A change without a base is based on the version this client sees.
    /// Returns the frame to send, or nil while an earlier edit of one of its cells is unanswered.
    public mutating func makeMultiEdit(_ changes: [CellChange], label: String, group: String? = nil) -> (op: String, frame: ClientMessage?) {
        let op = "\(clientID)-\(nextOp)"
        nextOp += 1
        let cells = changes.map { CellChange(cell: $0.cell, value: $0.value, base: $0.base ?? currentBase(of: $0.cell)) }
        var edit = PendingEdit(op: op, cells: cells, label: label, group: group)
        let written = Set(cells.map(\.cell))
        edit.isQueued = edits.contains { pending in pending.ackedVersion == nil && pending.touchedCells.contains(where: written.contains) }
        edits.append(edit)
        touchedCells.formUnion(written)
        return (op, edit.isQueued ? nil : edit.message)
    }

    /// The frames to send after a (re)login: every sent edit not yet durable. Redis may have lost
    /// even acked ones; the server answers the ones it still has with their first outcome.
    public func resendFrames() -> [ClientMessage] {
        edits.filter { !$0.isQueued }.map { $0.message(resend: true) }
    }

    /// The transport's status changed: anything but connected means logged out until the next
    /// welcome.
    public mutating func connectionChanged(_ status: ConnectionStatus) {
        if case .connected = status { return }
        loggedIn = false
    }

    /// The frames of the edits refused as `rate_limited` that are still unanswered, to send now;
    /// the owner calls this once the retry interval has passed.
    public mutating func takeRateLimitedRetries() -> [ClientMessage] {
        guard loggedIn else { return [] }
        let ops = rateLimited
        rateLimited = []
        return ops.compactMap(retryFrame(op:))
    }

    /// Applies one server message; returns the frames that must now be sent: queued edits
    /// released, and after a welcome every edit not yet durable.
    @discardableResult
    public mutating func receive(_ message: ServerMessage) -> [ClientMessage] {
        var release: [ClientMessage] = []
        switch message {
        case .welcome(let welcome):
            model = GridModel(cells: welcome.cells, contested: welcome.contested, version: welcome.version)
            reloaded = true
            touchedCells = []
            users = Dictionary(welcome.users.map { ($0.session, $0) }, uniquingKeysWith: { _, last in last })
            session = welcome.session
            server = welcome.server
            historyStart = welcome.historyStart
            loggedIn = true
            markDurable(welcome.durable)
            // The resend covers edits refused for now on the last connection.
            rateLimited = []
            release = resendFrames()
        case .event(let event):
            if model.apply(event) {
                if let cell = event.cell { touchedCells.insert(cell) }
                for change in event.cells ?? [] { touchedCells.insert(change.cell) }
            }
            if historyStart == nil { historyStart = event.id }
        case .ack(let ack):
            touchedCells.insert(ack.cell)
            if let index = edits.firstIndex(where: { $0.op == ack.op }), edits[index].ackedVersion != nil {
                // A resend that Redis had lost was sequenced again, at a new version.
                edits[index].ackedVersion = ack.version
            } else if let index = edits.firstIndex(where: { $0.op == ack.op }) {
                edits[index].ackedVersion = ack.version
                let acked = edits[index]
                touchedCells.formUnion(acked.touchedCells)
                if ack.version <= durable { edits.remove(at: index) }
                // A resolve leaves the cell's version as it was.
                release += releaseAfter(acked, at: acked.kind == .resolve ? nil : ack.version)
            }
        case .conflict(let conflict):
            touchedCells.insert(conflict.cell)
            if let lost = removeEdit(op: conflict.op) {
                touchedCells.formUnion(lost.touchedCells)
                // The queued edit was made without seeing the winner either, so it keeps the lost base.
                release += releaseAfter(lost, at: nil)
            }
            conflicts.append(conflict)
        case .presence(let change):
            if let user = change.user { users[user.session] = user }
            if let left = change.left { users[left] = nil }
        case .durable(let durable):
            markDurable(durable.version)
        case .error(let error):
            errors.append(error)
            // Refused for now, not for good: the edit stays pending and is sent again.
            if error.code == .rateLimited {
                if let op = error.op { rateLimited.append(op) }
                break
            }
            if let op = error.op, let failed = removeEdit(op: op) {
                touchedCells.formUnion(failed.touchedCells)
                release += releaseAfter(failed, at: nil)
            }
        case .history:
            break
        case .health(let health):
            self.health = health
        case .pong(let ping):
            roundTripMilliseconds = max(0, WallClock.nowMilliseconds() - ping.t)
        }
        return release
    }

    /// What a cell shows: this user's newest write of it that the grid does not reflect yet
    /// (unanswered, or acked before its event arrived), so that an edit shows at once and while
    /// offline; else the committed value. `isPending` says the server has not answered it.
    public func shownValue(of cell: String) -> (value: String?, isPending: Bool) {
        let seen = model.baseVersion(of: cell)
        if let own = edits.last(where: { $0.written(cell) != nil }), let value = own.written(cell),
            own.ackedVersion.map({ $0 > seen }) ?? true
        {
            return (value, own.ackedVersion == nil)
        }
        return (model.value(at: cell), false)
    }

    /// The cells whose shown value may have changed since the last call, or `reloaded` when a
    /// welcome replaced the whole grid; for whoever keeps values computed from what is shown.
    public mutating func takeShownChanges() -> (reloaded: Bool, cells: Set<String>) {
        defer {
            touchedCells = []
            reloaded = false
        }
        return (reloaded, touchedCells)
    }

    /// The frame that sends an edit the server refused for now (`rate_limited`) again, while it
    /// is still unanswered; nil once it was answered or forgotten.
    public func retryFrame(op: String) -> ClientMessage? {
        edits.first { $0.op == op && $0.ackedVersion == nil && !$0.isQueued }?.message
    }

    /// The version this client knows the cell at: its own acked write can be newer than the
    /// model until the write's event arrives through the log. An editor takes it when editing
    /// starts, so that a change someone commits meanwhile makes the edit a conflict.
    public func currentBase(of cell: String) -> Version {
        let ownWrite = edits.last { $0.written(cell) != nil && $0.ackedVersion != nil }?.ackedVersion
        return max(model.baseVersion(of: cell), ownWrite ?? .zero)
    }

    private mutating func removeEdit(op: String) -> PendingEdit? {
        guard let index = edits.firstIndex(where: { $0.op == op && $0.ackedVersion == nil }) else { return nil }
        return edits.remove(at: index)
    }

    /// An edit was answered: the next queued edit of each of its cells is based on its version
    /// (`at`; nil keeps the base it had: a lost or refused edit changed nothing, and a resolve no
    /// version), and every queued edit no earlier unanswered edit shares a cell with is sent.
    private mutating func releaseAfter(_ answered: PendingEdit, at version: Version?) -> [ClientMessage] {
        var release: [ClientMessage] = []
        for cell in answered.touchedCells {
            guard let index = edits.firstIndex(where: { $0.isQueued && $0.touches(cell) }) else { continue }
            if let version { edits[index].rebase(cell, on: version) }
        }
        var blocked = Set<String>()
        for index in edits.indices where edits[index].ackedVersion == nil {
            let cells = edits[index].touchedCells
            if edits[index].isQueued, !cells.contains(where: blocked.contains) {
                edits[index].isQueued = false
                release.append(edits[index].message)
            }
            blocked.formUnion(cells)
        }
        return release
    }

    private mutating func markDurable(_ version: Version) {
        durable = max(durable, version)
        for edit in edits where edit.ackedVersion.map({ $0 <= durable }) ?? false { touchedCells.formUnion(edit.touchedCells) }
        edits.removeAll { edit in edit.ackedVersion.map { $0 <= durable } ?? false }
    }
}
