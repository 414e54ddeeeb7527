/// One result row; columns keep the server's order and names (aliases included).
public struct MySQLRow: Sendable {
    public let columns: [String]
    public let values: [MySQLValue]

    public init(columns: [String], values: [MySQLValue]) {
        self.columns = columns
        self.values = values
    }

    /// The first column with this name, or `.null` when there is none, so optional columns read
    /// the same as SQL NULL.
    public subscript(_ name: String) -> MySQLValue {
        guard let index = columns.firstIndex(of: name), index < values.count else { return .null }
        return values[index]
    }

    public subscript(_ index: Int) -> MySQLValue {
        guard values.indices.contains(index) else { return .null }
        return values[index]
    }
}
