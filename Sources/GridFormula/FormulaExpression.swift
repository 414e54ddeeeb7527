/// The parsed form of a formula. References hold absolute grid positions; `$` flags only matter for rewriting.
indirect enum FormulaExpression: Sendable, Hashable {
    case number(Double)
    case text(String)
    case boolean(Bool)
    case error(FormulaError)
    case cell(CellReference)
    case range(RangeReference)
    /// An identifier that is neither a function call nor a reference; evaluates to `#NAME?`.
    case name(String)
    /// An empty argument, as in `IF(A1,,1)`.
    case missing
    case negate(FormulaExpression)
    case identity(FormulaExpression)
    case percent(FormulaExpression)
    case binary(BinaryOperator, FormulaExpression, FormulaExpression)
    /// `function` indexes `FunctionTable.entries`.
    case call(function: Int, arguments: [FormulaExpression])
    case unknownFunction(String)
}

enum BinaryOperator: String, Sendable, Hashable {
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case power = "^"
    case concatenate = "&"
    case equal = "="
    case notEqual = "<>"
    case less = "<"
    case greater = ">"
    case lessOrEqual = "<="
    case greaterOrEqual = ">="
}
