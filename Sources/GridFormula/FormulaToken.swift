/// One lexical unit of a formula (the text after `=`).
enum FormulaToken: Sendable, Hashable {
    case number(Double)
    case text(String)
    case error(FormulaError)
    case cell(CellReference)
    case range(RangeReference)
    /// A word: function name, `TRUE`/`FALSE`, or an unknown name (including references off the grid, as LibreOffice reads them).
    case identifier(String)
    case symbol(String)
    case leftParen
    case rightParen
    case separator
}
