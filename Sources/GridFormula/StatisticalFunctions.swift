/// Counting, averaging and extremes.
enum StatisticalFunctions {
    static func average(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        var total = 0.0
        var count = 0
        try Aggregation.forEachNumber(args) {
            total += $0
            count += 1
        }
        guard count > 0 else { throw .div0 }
        return .number(total / Double(count))
    }

    static func min(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        var result: Double?
        try Aggregation.forEachNumber(args) { result = Swift.min(result ?? $0, $0) }
        return .number(result ?? 0)
    }

    static func max(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        var result: Double?
        try Aggregation.forEachNumber(args) { result = Swift.max(result ?? $0, $0) }
        return .number(result ?? 0)
    }

    /// Numbers (and booleans) anywhere; text given directly counts when it reads as a number; errors never count.
    static func count(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        var n = 0
        try Aggregation.forEachValue(args) { v, direct in
            switch v {
            case .number, .boolean: n += 1
            case .text(let t): if direct, TypedInput.number(from: t) != nil { n += 1 }
            case .blank, .error: break
            }
        }
        return .number(Double(n))
    }

    static func countA(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        var n = 0
        try Aggregation.forEachValue(args) { v, _ in
            if !v.isBlank { n += 1 }
        }
        return .number(Double(n))
    }

    /// Empty cells and cells holding empty text.
    static func countBlank(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let r = try args.range(0)
        var filled = 0
        try args.store.forEachNonBlank(in: r) { _, v in
            if case .text(let t) = v, t.isEmpty { return }
            filled += 1
        }
        return .number(Double(r.cellCount - filled))
    }
}
