/// A cell reference such as `C12`, bounded to the addressable grid A1…XFD1048576.
public struct CellAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    public static let maxColumns = 16_384
    public static let maxRows = 1_048_576

    /// Zero-based column (A = 0).
    public let column: Int
    /// Zero-based row (row "1" = 0).
    public let row: Int

    public init?(column: Int, row: Int) {
        guard (0..<Self.maxColumns).contains(column), (0..<Self.maxRows).contains(row) else { return nil }
        self.column = column
        self.row = row
    }

    /// Parses `A1`-style references, case-insensitive; rejects anything outside the grid.
    public init?(_ text: some StringProtocol) {
        var column = 0
        var row = 0
        var letters = 0
        var digits = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
                guard digits == 0, letters < 3 else { return nil }
                column = column * 26 + Int((byte & 0xDF) - UInt8(ascii: "A")) + 1
                letters += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard letters > 0, digits < 7 else { return nil }
                if digits == 0 && byte == UInt8(ascii: "0") { return nil }
                row = row * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            default:
                return nil
            }
        }
        guard letters > 0, digits > 0 else { return nil }
        self.init(column: column - 1, row: row - 1)
    }

    public var columnName: String { Self.columnName(column) }

    public var description: String { "\(columnName)\(row + 1)" }

    public static func columnName(_ column: Int) -> String {
        var n = column + 1
        var scalars: [Character] = []
        while n > 0 {
            let rem = (n - 1) % 26
            scalars.append(Character(Unicode.Scalar(UInt8(65 + rem))))
            n = (n - 1) / 26
        }
        return String(scalars.reversed())
    }

    /// One word for the hasher rather than two: grids hash addresses constantly (formula loads
    /// hash each cell several times), and a row fits in 21 bits.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(column &<< 21 | row)
    }

    public static func < (lhs: CellAddress, rhs: CellAddress) -> Bool {
        (lhs.row, lhs.column) < (rhs.row, rhs.column)
    }
}
