import GridClientCore
import Shared

/// Everything the full-screen client shows, as a pure value. Keys (`handle`) and client updates
/// (`apply`) change it and return effects for the app loop to perform; it does no I/O, so tests
/// drive it with plain values. `Renderer` draws it.
public struct TUIModel: Sendable {
    public let user: String
    public let grid: String
    public let servers: [String]
    public var options: TUIOptions

    public internal(set) var size: TerminalSize
    /// Wall-clock time (epoch ms), advanced by the app; countdowns and retries use it.
    public internal(set) var now: Int64
    /// The client core's state. The model owns it: server messages and own edits change it here.
    public internal(set) var state: ClientState
    public internal(set) var status: ConnectionStatus

    public internal(set) var cursor = CellAddress(column: 0, row: 0)!
    /// Where the selection started (`v`, Shift+arrows); it spans to the cursor. nil: none.
    public internal(set) var selectionAnchor: CellAddress?
    /// What `y` or `d` copied, for `p`.
    public internal(set) var clipboard: RangeEdits.Block?
    /// Own multi-cell edits that lost, by op id, for the conflict dialog's re-apply and edit.
    public internal(set) var lostMulti: [String: PendingEdit] = [:]
    /// Commands typed on the command line, oldest first; `commandHistoryIndex` is the one shown
    /// while browsing with Up/Down.
    public internal(set) var commandHistory: [String] = []
    var commandHistoryIndex: Int?
    public internal(set) var importing: ImportProgress?
    /// Undos sent and not yet answered, by op id, with the cells they write.
    var undoing: [String: [String]] = [:]
    /// The top-left cell shown.
    public internal(set) var origin = CellAddress(column: 0, row: 0)!
    public internal(set) var widths = ColumnWidths()
    public internal(set) var focus: Focus = .grid
    public internal(set) var showUsers = true
    public internal(set) var showHistory = true
    /// `F`: cells show the text typed (formulas) instead of computed values.
    public internal(set) var showFormulas = false
    /// Computed values over what `state` shows, brought up to date after every change.
    public internal(set) var computed = ComputedGrid()
    /// The cells changed since `computed` was last brought up to date (`apply(_:recompute:)`).
    public private(set) var computedIsStale = false
    public internal(set) var mode: TUIMode = .normal

    public internal(set) var history = HistoryLog()
    public internal(set) var failure: Failure?
    public internal(set) var notice: Notice?
    /// Own edits that lost, waiting for the user's choice; the dialog shows the first.
    public internal(set) var conflicts: [ServerMessage.Conflict] = []
    public internal(set) var undo: [UndoEntry] = []
    public internal(set) var searchText: String?
    /// Index into `onlineUsers` while the users panel has focus.
    public internal(set) var selectedUser = 0

    /// The presence last sent, so that only changes are sent.
    var sentPresence: ClientMessage.PresenceUpdate?
    /// A session-ending error received during the current connection attempt, which names the
    /// failure once the connection drops.
    var fatalError: ServerMessage.ErrorFrame?
    /// The server the connection was lost from, until the next welcome names the failover.
    var lostServer: String?

    /// How long the failover notice stays on screen.
    public static let failoverNoticeMilliseconds: Int64 = 6_000

    public static let undoDepth = 100
    /// The most old cell values the undo entries keep together.
    public static let undoCells = 50_000

    public init(
        user: String, grid: String, servers: [String], options: TUIOptions = TUIOptions(),
        size: TerminalSize = TerminalSize(rows: 24, columns: 80), now: Int64 = 0, clientID: String = ClientState.randomClientID()
    ) {
        self.user = user
        self.grid = grid
        self.servers = servers
        self.options = options
        self.size = size
        self.now = now
        self.state = ClientState(clientID: clientID)
        self.status = .connecting(server: servers.first ?? "")
    }

    /// Everyone online, in a stable order: by name, then session.
    public var onlineUsers: [UserPresence] {
        state.users.values.sorted { ($0.user, $0.session) < ($1.user, $1.session) }
    }

    /// What a cell shows (`ClientState.shownValue`).
    public func displayedValue(of cell: String) -> (value: String?, isPending: Bool) {
        state.shownValue(of: cell)
    }

    public func isOwn(_ presence: UserPresence) -> Bool {
        presence.session == state.session
    }

    public var layout: ScreenLayout {
        ScreenLayout.make(
            size: size, bannerLines: bannerLines.count, showUsers: showUsers, showHistory: showHistory,
            userCount: state.users.count
        )
    }

    public var gridGeometry: GridGeometry {
        GridGeometry(area: layout.grid, topRow: origin.row)
    }

    /// Rows of history entries the panel shows (its title row excluded).
    var historyRows: Int { max(0, layout.history.height - 1) }

    /// The terminal changed size.
    public mutating func resize(to newSize: TerminalSize) {
        size = newSize
        keepCursorInView()
    }

    /// The clock moved; returns effects that were waiting for time to pass.
    public mutating func tick(now: Int64) -> [TUIEffect] {
        self.now = now
        if let until = failure?.until, until <= now { failure = nil }
        return finish([])
    }

    /// The common tail of every change: cursor in view, the conflict dialog when one waits,
    /// history loading as needed, and presence when it changed.
    mutating func finish(_ effects: [TUIEffect], recompute: Bool = true) -> [TUIEffect] {
        var effects = effects
        if recompute { refreshComputed() } else { computedIsStale = true }
        keepCursorInView()
        if case .normal = mode, !conflicts.isEmpty { mode = .conflict }
        effects += historyLoads()
        if let presence = presenceEffect() { effects.append(presence) }
        return effects
    }

    /// Brings the formula values up to the cells.
    public mutating func refreshComputed() {
        computed.update(from: &state)
        computedIsStale = false
    }

    private mutating func presenceEffect() -> TUIEffect? {
        guard state.loggedIn else { return nil }
        let wanted = ClientMessage.PresenceUpdate(cursor: cursor.description, editing: mode.editingCell, selection: selection?.description)
        guard wanted != sentPresence else { return nil }
        sentPresence = wanted
        return .presence(cursor: wanted.cursor, editing: wanted.editing, selection: wanted.selection)
    }
}
