import Shared

/// An edit this client sent that the server has not answered yet (or that is acked but not yet
/// durable). It is resent with the same op id after a reconnect, so the server can drop repeats.
public struct PendingEdit: Hashable, Sendable {
    public let op: String
    public let kind: EditKind
    /// The cell; for a multi-cell edit its first cell.
    public let cell: String
    public let value: String?
    public internal(set) var base: Version
    /// A multi-cell edit's cells, each with its value and base; empty for the other kinds.
    public internal(set) var cells: [CellChange] = []
    /// cell → its index in `cells`: an import holds tens of thousands of cells, and every
    /// shown value asks each pending edit whether it writes that cell.
    private var positions: [String: Int] = [:]
    public internal(set) var label: String?
    public internal(set) var group: String?
    /// Set once acked; the edit stays remembered until the durable watermark passes it.
    public var ackedVersion: Version?
    /// Waiting for an earlier edit of one of its cells to be answered: it is sent then, based on
    /// that edit's version, so that one client's quick successive edits never conflict with
    /// each other.
    public internal(set) var isQueued = false

    public init(op: String, kind: EditKind, cell: String, value: String?, base: Version) {
        self.op = op
        self.kind = kind
        self.cell = cell
        self.value = value
        self.base = base
    }

    init(op: String, cells: [CellChange], label: String, group: String?) {
        self.init(op: op, kind: .multi, cell: cells.first?.cell ?? "", value: nil, base: .zero)
        self.cells = cells
        self.positions = Dictionary(cells.enumerated().map { ($0.element.cell, $0.offset) }, uniquingKeysWith: { first, _ in first })
        self.label = label
        self.group = group
    }

    /// Every cell the edit writes (or, for `resolve`, settles).
    public var touchedCells: [String] {
        kind == .multi ? cells.map(\.cell) : [cell]
    }

    public func touches(_ cell: String) -> Bool {
        kind == .multi ? positions[cell] != nil : self.cell == cell
    }

    /// What the edit writes to `cell`: `.some(nil)` clears it; nil if it does not write it.
    public func written(_ cell: String) -> String?? {
        switch kind {
        case .resolve: return nil
        case .multi: return positions[cell].map { cells[$0].value }
        case .set, .clear: return self.cell == cell ? .some(value) : nil
        }
    }

    /// Bases the edit on `version` for `cell` (an earlier edit of the cell was acked there).
    mutating func rebase(_ cell: String, on version: Version) {
        if kind == .multi {
            if let index = positions[cell] { cells[index].base = version }
        } else {
            base = version
        }
    }

    public var message: ClientMessage { message(resend: false) }

    /// The frame; a resend after a reconnect says so, which lets the server look up an op that
    /// Redis has already forgotten (docs/PROTOCOL.md §6).
    public func message(resend: Bool) -> ClientMessage {
        if kind == .multi {
            return .edit(ClientMessage.Edit(multi: op, cells: cells, label: label ?? "edit", group: group, resend: resend ? true : nil))
        }
        return .edit(ClientMessage.Edit(kind, op: op, cell: cell, value: value, base: base, resend: resend ? true : nil))
    }
}
