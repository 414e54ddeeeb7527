/// What an expression evaluates to before it is reduced to a cell value: a value, a reference, or an array.
enum Operand: Sendable {
    case value(FormulaValue)
    case range(FormulaRange)
    case array(ValueMatrix)

    static func error(_ error: FormulaError) -> Operand { .value(.error(error)) }
    static func number(_ number: Double) -> Operand { .value(.checked(number)) }
    static func text(_ text: String) -> Operand { .value(.text(text)) }
    static func boolean(_ flag: Bool) -> Operand { .value(.boolean(flag)) }
}
