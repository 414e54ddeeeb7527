/// A computed cell value. Dates and times are numbers (day serials, 1899-12-30 = 0).
public enum FormulaValue: Sendable, Hashable {
    case number(Double)
    case text(String)
    case boolean(Bool)
    case blank
    case error(FormulaError)

    var isBlank: Bool {
        if case .blank = self { return true }
        return false
    }

    var errorValue: FormulaError? {
        if case .error(let error) = self { return error }
        return nil
    }

    /// Numbers that overflowed or are undefined become `#NUM!`, so no NaN or infinity is ever stored.
    static func checked(_ number: Double) -> FormulaValue {
        number.isFinite ? .number(number == 0 ? 0 : number) : .error(.num)
    }
}
