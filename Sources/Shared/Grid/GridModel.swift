/// The grid as one client or server replica knows it: every cell, which cells are contested,
/// and the log position it reflects. Applying the log in order gives every replica the same model.
public struct GridModel: Hashable, Sendable {
    public private(set) var cells: [String: CellState]
    public private(set) var contested: [String: Version]
    public private(set) var version: Version

    public init(cells: [String: CellState] = [:], contested: [String: Version] = [:], version: Version = .zero) {
        self.cells = cells
        self.contested = contested
        self.version = version
    }

    /// The value shown in a cell (nil when empty or cleared).
    public func value(at cell: String) -> String? { cells[cell]?.value }

    /// The version a new edit of `cell` must name as its base.
    public func baseVersion(of cell: String) -> Version { cells[cell]?.version ?? .zero }

    /// Applies one log event. Events at or below the current version were already applied and
    /// are ignored, which makes replays after a reconnect harmless. Returns whether it applied.
    @discardableResult
    public mutating func apply(_ event: GridEvent) -> Bool {
        guard event.id > version else { return false }
        version = event.id
        switch event.kind {
        case .multi:
            for change in event.cells ?? [] {
                cells[change.cell] = CellState(value: change.value, version: event.id, user: event.user ?? "", at: event.at)
                contested[change.cell] = nil
            }
            return true
        case .multiConflict:
            for change in event.cells ?? [] { contested[change.cell] = event.id }
            return true
        default:
            break
        }
        guard let cell = event.cell else { return true }
        switch event.kind {
        case .set, .clear:
            let value = event.kind == .set ? event.value : nil
            cells[cell] = CellState(value: value, version: event.id, user: event.user ?? "", at: event.at)
            contested[cell] = nil
        case .conflict:
            contested[cell] = event.id
        case .resolve:
            contested[cell] = nil
        default:
            break
        }
        return true
    }

    /// Non-empty cells with their values, for comparisons and `dump`.
    public var values: [String: String] {
        cells.compactMapValues(\.value)
    }
}
