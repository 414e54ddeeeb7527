import Shared

/// For copy/paste (a later issue): shifts relative references of a formula by (dc, dr), leaving `$` parts; refs pushed off the grid become #REF!.
public enum FormulaRewriter {
    public static func shift(_ formula: String, columns: Int, rows: Int) -> String {
        guard formula.hasPrefix("=") else { return formula }
        let scalars = Array(formula.unicodeScalars.dropFirst())
        guard let tokens = try? FormulaLexer.tokenizeWithSpans(scalars) else { return formula }
        var result = "="
        var cursor = 0
        for (token, span) in tokens {
            let replacement: String
            switch token {
            case .cell(let c):
                replacement = shifted(c, columns, rows).map(text(of:)) ?? FormulaError.ref.rawValue
            case .range(let r):
                replacement = shifted(r, columns, rows) ?? FormulaError.ref.rawValue
            default:
                continue
            }
            result.unicodeScalars.append(contentsOf: scalars[cursor..<span.lowerBound])
            result += replacement
            cursor = span.upperBound
        }
        result.unicodeScalars.append(contentsOf: scalars[cursor...])
        return result
    }

    private static func shifted(_ c: CellReference, _ dc: Int, _ dr: Int) -> CellReference? {
        var moved = c
        if !c.columnAbsolute { moved.column += dc }
        if !c.rowAbsolute { moved.row += dr }
        guard CellAddress(column: moved.column, row: moved.row) != nil else { return nil }
        return moved
    }

    private static func shifted(_ r: RangeReference, _ dc: Int, _ dr: Int) -> String? {
        switch r.shape {
        case .cells:
            guard let s = shifted(r.start, dc, dr), let e = shifted(r.end, dc, dr) else { return nil }
            return text(of: s) + ":" + text(of: e)
        case .columns:
            guard let s = shifted(r.start, dc, 0), let e = shifted(r.end, dc, 0) else { return nil }
            return columnText(s) + ":" + columnText(e)
        case .rows:
            guard let s = shifted(r.start, 0, dr), let e = shifted(r.end, 0, dr) else { return nil }
            return rowText(s) + ":" + rowText(e)
        }
    }

    private static func columnText(_ c: CellReference) -> String {
        (c.columnAbsolute ? "$" : "") + CellAddress.columnName(c.column)
    }

    private static func rowText(_ c: CellReference) -> String {
        (c.rowAbsolute ? "$" : "") + String(c.row + 1)
    }

    static func text(of c: CellReference) -> String {
        columnText(c) + rowText(c)
    }
}
