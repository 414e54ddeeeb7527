/// An edit this client sent that the server has not answered yet (or that is acked but not yet
/// durable). It is resent with the same op id after a reconnect, so the server can drop repeats.
public struct PendingEdit: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case set, clear, resolve }

    public let op: String
    public let kind: Kind
    public let cell: String
    public let value: String?
    public internal(set) var base: Version
    /// Set once acked; the edit stays remembered until the durable watermark passes it.
    public var ackedVersion: Version?
    /// Waiting for an earlier edit of the same cell to be answered: it is sent then, based on
    /// that edit's version, so that one client's quick successive edits never conflict with
    /// each other.
    public internal(set) var isQueued = false

    public init(op: String, kind: Kind, cell: String, value: String?, base: Version) {
        self.op = op
        self.kind = kind
        self.cell = cell
        self.value = value
        self.base = base
    }

    public var message: ClientMessage {
        let edit = ClientMessage.Edit(op: op, cell: cell, value: value, base: base)
        switch kind {
        case .set: return .set(edit)
        case .clear: return .clear(edit)
        case .resolve: return .resolve(edit)
        }
    }
}
