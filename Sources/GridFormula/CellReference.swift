/// One corner of a reference as written: a position plus which parts carry `$`.
struct CellReference: Sendable, Hashable {
    var column: Int
    var row: Int
    var columnAbsolute: Bool
    var rowAbsolute: Bool
}

/// A range as written, remembering whether it was `A1:B2`, `A:B` or `1:2` so it can be rewritten.
struct RangeReference: Sendable, Hashable {
    enum Shape: Sendable, Hashable {
        case cells
        case columns
        case rows
    }

    var start: CellReference
    var end: CellReference
    var shape: Shape
}
