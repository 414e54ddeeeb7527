/// Conversions between value types where LibreOffice makes them implicitly.
enum ValueCoercion {
    static func number(_ value: FormulaValue) throws(FormulaError) -> Double {
        switch value {
        case .number(let n): return n
        case .boolean(let b): return b ? 1 : 0
        case .blank: return 0
        case .text(let t):
            if let n = TypedInput.number(from: t) { return n }
            // LibreOffice reads the words TRUE and FALSE as 1 and 0 in arithmetic.
            switch t.uppercased() {
            case "TRUE": return 1
            case "FALSE": return 0
            default: throw .value
            }
        case .error(let e): throw e
        }
    }

    static func text(_ value: FormulaValue) throws(FormulaError) -> String {
        switch value {
        case .text(let t): return t
        case .number(let n): return NumberText.standard(n)
        case .boolean(let b): return b ? "TRUE" : "FALSE"
        case .blank: return ""
        case .error(let e): throw e
        }
    }

    static func boolean(_ value: FormulaValue) throws(FormulaError) -> Bool {
        switch value {
        case .boolean(let b): return b
        case .number(let n): return n != 0
        case .blank: return false
        case .text(let t):
            switch t.uppercased() {
            case "TRUE": return true
            case "FALSE": return false
            default: throw .value
            }
        case .error(let e): throw e
        }
    }

    /// Truncates towards zero, as Excel does for integer arguments (`LEFT("abc", 1.9)` takes 1).
    static func integer(_ value: FormulaValue) throws(FormulaError) -> Int {
        let n = try number(value)
        guard n.magnitude < 1e15 else { throw .num }
        return Int(n.rounded(.towardZero))
    }
}
