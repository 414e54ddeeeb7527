/// Each column's width in screen columns, the gap after its text included. Only columns the
/// user changed are stored, so the 16,384 columns cost nothing.
public struct ColumnWidths: Hashable, Sendable {
    public static let standard = 10
    public static let minimum = 3
    public static let maximum = 60

    private var custom: [Int: Int] = [:]

    public init() {}

    public subscript(column: Int) -> Int {
        custom[column] ?? Self.standard
    }

    public mutating func change(column: Int, by delta: Int) {
        set(column: column, to: self[column] + delta)
    }

    /// Sets a width, kept within `minimum...maximum`.
    public mutating func set(column: Int, to width: Int) {
        let width = min(Self.maximum, max(Self.minimum, width))
        custom[column] = width == Self.standard ? nil : width
    }
}
