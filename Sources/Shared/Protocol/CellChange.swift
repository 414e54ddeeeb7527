/// One cell of a multi-cell edit (`multi`), of its event, or of the conflict it lost.
///
/// - In an edit: `cell`, `value` (absent clears the cell) and `base`, the version its author saw.
/// - In a `multi` event: `cell`, `value` (absent: cleared) and `old`, what the cell held before.
/// - In a conflict (`moved`): `cell`, `value` (the losing value), `base` and `winner`, the
///   committed state that had moved past the base.
public struct CellChange: Hashable, Sendable, Codable {
    public var cell: String
    public var value: String?
    public var base: Version?
    public var old: String?
    public var winner: CellState?

    public init(cell: String, value: String? = nil, base: Version? = nil, old: String? = nil, winner: CellState? = nil) {
        self.cell = cell
        self.value = value
        self.base = base
        self.old = old
        self.winner = winner
    }

    /// The smallest range that holds every cell, as `B2:E31` (or `B2` for one cell); nil when
    /// none is a cell address.
    public static func boundingRange(of cells: some Sequence<String>) -> String? {
        var low: (column: Int, row: Int)?
        var high = (column: 0, row: 0)
        for text in cells {
            guard let address = CellAddress(text) else { continue }
            low = (min(low?.column ?? address.column, address.column), min(low?.row ?? address.row, address.row))
            high = (max(high.column, address.column), max(high.row, address.row))
        }
        guard let low, let first = CellAddress(column: low.column, row: low.row),
            let last = CellAddress(column: high.column, row: high.row)
        else { return nil }
        return first == last ? first.description : "\(first):\(last)"
    }
}

/// What a client understands beyond protocol 1's first form, named in `hello.features`.
public enum ClientFeature {
    /// Multi-cell edits: the `multi` message, the `multi` and `multi.conflict` events, `moved`
    /// in conflicts (docs/PROTOCOL.md §3.3).
    public static let multi = "multi"
    /// Every feature this build understands; what its `hello` states.
    public static let all = [multi]
}
