/// A condition of SUMIF, COUNTIF and friends: `5`, `">5"`, `"<>x"`, `"=a*"`, `""`.
struct Criterion: Sendable {
    private enum Comparison: Sendable {
        case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
    }

    private let comparison: Comparison
    private let operand: FormulaValue
    private let pattern: WildcardPattern?
    /// The criterion's own text when it was given as text: `"42"` also finds the text 42, while the number 42 does not.
    private let written: String?

    init(_ value: FormulaValue) throws(FormulaError) {
        switch value {
        case .error(let e): throw e
        case .number, .boolean:
            comparison = .equal
            operand = value
            pattern = nil
            written = nil
        case .blank:
            // An empty criterion cell reads as 0 in LibreOffice and Excel.
            comparison = .equal
            operand = .number(0)
            pattern = nil
            written = nil
        case .text(let raw):
            var text = Substring(raw)
            var op = Comparison.equal
            for (prefix, candidate) in [("<=", Comparison.lessOrEqual), (">=", .greaterOrEqual), ("<>", .notEqual),
                                        ("<", .less), (">", .greater), ("=", .equal)] where text.hasPrefix(prefix) {
                op = candidate
                text = text.dropFirst(prefix.count)
                break
            }
            comparison = op
            let rest = String(text)
            written = rest
            if rest.isEmpty {
                operand = .blank
                pattern = nil
            } else if let n = TypedInput.number(from: rest) {
                operand = .number(n)
                pattern = nil
            } else if rest.uppercased() == "TRUE" || rest.uppercased() == "FALSE" {
                operand = .boolean(rest.uppercased() == "TRUE")
                pattern = nil
            } else {
                operand = .text(rest)
                let compiled = WildcardPattern(rest)
                pattern = compiled.hasWildcards && (op == .equal || op == .notEqual) ? compiled : nil
            }
        }
    }

    /// Whether an empty cell satisfies the criterion; lets callers skip the blank part of huge ranges.
    var matchesBlank: Bool { matches(.blank) }

    func matches(_ value: FormulaValue) -> Bool {
        switch comparison {
        case .equal: return equals(value)
        case .notEqual: return !equals(value)
        default: break
        }
        let order: Int
        switch (operand, value) {
        case (.number(let x), .number(let y)): order = y < x ? -1 : (y > x ? 1 : 0)
        case (.number(let x), .boolean(let b)):
            let y: Double = b ? 1 : 0
            order = y < x ? -1 : (y > x ? 1 : 0)
        case (.text(let x), .text(let y)): order = ValueComparison.compareText(y, x)
        case (.boolean(let x), .boolean(let y)): order = x == y ? 0 : (!y ? -1 : 1)
        default: return false
        }
        switch comparison {
        case .less: return order < 0
        case .lessOrEqual: return order <= 0
        case .greater: return order > 0
        case .greaterOrEqual: return order >= 0
        case .equal, .notEqual: return false
        }
    }

    private func equals(_ value: FormulaValue) -> Bool {
        switch (operand, value) {
        case (.blank, .blank): return true
        case (.blank, .text(let t)): return t.isEmpty
        case (.blank, _): return false
        case (.number(let x), .number(let y)): return ValueComparison.approximatelyEqual(x, y)
        case (.number(let x), .boolean(let b)): return x == (b ? 1 : 0)
        case (.number, .text(let t)):
            guard let written else { return false }
            return ValueComparison.foldCase(written) == ValueComparison.foldCase(t)
        case (.boolean(let x), .boolean(let y)): return x == y
        case (.boolean(let x), .number(let y)): return y == (x ? 1 : 0)
        case (.text(let x), .text(let y)):
            if let pattern { return pattern.matches(y) }
            return ValueComparison.foldCase(x) == ValueComparison.foldCase(y)
        default: return false
        }
    }
}
