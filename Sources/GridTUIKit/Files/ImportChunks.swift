import Shared

/// Splits an import into multi-cell edits the server accepts: at most `maxCells` cells and about
/// `maxBytes` of JSON each (a value's escaped form can be six times its size), in reading order,
/// so that the chunks of one import land in order. Pure.
public struct ImportChunks: Sendable {
    public var maxCells = 10_000
    /// Below the server's 2 MiB default for a multi-cell message, with room for the envelope.
    public var maxBytes = 1_800_000

    public init() {}

    public func split(_ cells: [(cell: String, value: String?)]) -> [[CellChange]] {
        var chunks: [[CellChange]] = []
        var current: [CellChange] = []
        var bytes = 0
        for (cell, value) in cells {
            let size = Self.estimatedBytes(cell: cell, value: value)
            if !current.isEmpty, current.count == maxCells || bytes + size > maxBytes {
                chunks.append(current)
                current = []
                bytes = 0
            }
            current.append(CellChange(cell: cell, value: value))
            bytes += size
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }

    /// An upper bound of the cell's share of the message: members, quotes, and every byte of
    /// the value escaped at worst (`\u00XX`) if it is a control character or a quote.
    static func estimatedBytes(cell: String, value: String?) -> Int {
        var size = 48 + cell.utf8.count
        for byte in value?.utf8 ?? "".utf8 {
            size += byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") ? 6 : 1
        }
        return size
    }
}
