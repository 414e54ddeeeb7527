import Shared

/// An edit this client sent that the server has not answered yet (or that is acked but not yet
/// durable). It is resent with the same op id after a reconnect, so the server can drop repeats.
public struct PendingEdit: Hashable, Sendable {
    public let op: String
    public let kind: EditKind
    public let cell: String
    public let value: String?
    public internal(set) var base: Version
    /// Set once acked; the edit stays remembered until the durable watermark passes it.
    public var ackedVersion: Version?
    /// Waiting for an earlier edit of the same cell to be answered: it is sent then, based on
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

    public var message: ClientMessage { message(resend: false) }

    /// The frame; a resend after a reconnect says so, which lets the server look up an op that
    /// Redis has already forgotten (docs/PROTOCOL.md §6).
    public func message(resend: Bool) -> ClientMessage {
        .edit(ClientMessage.Edit(kind, op: op, cell: cell, value: value, base: base, resend: resend ? true : nil))
    }
}
