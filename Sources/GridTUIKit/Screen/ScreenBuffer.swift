/// The whole screen as rows of styled cells: what the renderer produces and a `Terminal` draws.
/// Every text write goes through `Sanitizer`, so nothing drawn can hold a control character,
/// and is laid out by `DisplayWidth`, so wide graphemes take two cells and never straddle the
/// edge of the area they are written into.
public struct ScreenBuffer: Hashable, Sendable {
    public struct Position: Hashable, Sendable {
        public var row: Int
        public var column: Int
        public init(row: Int, column: Int) {
            self.row = row
            self.column = column
        }
    }

    public let size: TerminalSize
    public private(set) var cells: [ScreenCell]
    /// Where the terminal should show its cursor (the line editor's caret); nil hides it.
    public var cursor: Position?

    public init(size: TerminalSize) {
        self.size = size
        self.cells = Array(repeating: .blank, count: max(0, size.rows) * max(0, size.columns))
    }

    public subscript(row: Int, column: Int) -> ScreenCell {
        cells[row * size.columns + column]
    }

    /// The screen as plain text, one string per row, every row `size.columns` columns wide.
    public var lines: [String] {
        (0..<size.rows).map { line($0) }
    }

    public func line(_ row: Int) -> String {
        var text = ""
        for column in 0..<size.columns {
            text += self[row, column].text
        }
        return text
    }

    /// Fills a rectangle with spaces in one style.
    public mutating func fill(_ rect: Rect, style: TextStyle) {
        let clipped = clip(rect)
        for row in clipped.row..<clipped.bottom {
            for column in clipped.column..<clipped.right {
                put(ScreenCell(text: " ", style: style), row: row, column: column, width: 1)
            }
        }
    }

    /// Changes the style of cells already drawn, keeping their text (highlights and cursors).
    public mutating func restyle(_ rect: Rect, _ change: (inout TextStyle) -> Void) {
        let clipped = clip(rect)
        for row in clipped.row..<clipped.bottom {
            for column in clipped.column..<clipped.right {
                change(&cells[row * size.columns + column].style)
            }
        }
    }

    /// Writes text from `column` on, clipped to `width` columns (default: to the row's end).
    /// A wide grapheme that would cross the limit is replaced by a space. Returns the number of
    /// columns written.
    @discardableResult
    public mutating func write(_ text: String, row: Int, column: Int, width: Int? = nil, style: TextStyle) -> Int {
        guard row >= 0, row < size.rows, column < size.columns else { return 0 }
        let limit = min(size.columns, column + (width ?? size.columns))
        var x = column
        for character in Sanitizer.visible(text) {
            guard x < limit else { break }
            let columns = DisplayWidth.of(character)
            if columns == 0 { continue }
            if x + columns > limit {
                if x >= 0 { put(ScreenCell(text: " ", style: style), row: row, column: x, width: 1) }
                x += 1
                break
            }
            if x >= 0 { put(ScreenCell(text: String(character), style: style), row: row, column: x, width: columns) }
            x += columns
        }
        return x - column
    }

    /// Places one grapheme, repairing any wide grapheme it overwrites half of.
    private mutating func put(_ cell: ScreenCell, row: Int, column: Int, width: Int) {
        let base = row * size.columns
        for x in column..<(column + width) {
            if cells[base + x].isContinuation, x > 0 {
                cells[base + x - 1].text = " "
            }
            if x + 1 < size.columns, cells[base + x + 1].isContinuation, x + 1 >= column + width {
                cells[base + x + 1].text = " "
            }
        }
        cells[base + column] = cell
        if width == 2 {
            cells[base + column + 1] = ScreenCell(text: "", style: cell.style)
        }
    }

    private func clip(_ rect: Rect) -> Rect {
        let top = max(0, rect.row)
        let left = max(0, rect.column)
        let bottom = min(size.rows, rect.bottom)
        let right = min(size.columns, rect.right)
        return Rect(row: top, column: left, height: bottom - top, width: right - left)
    }
}
