/// IF and friends evaluate only the branch they return; AND/OR/XOR fold over values and ranges.
enum LogicFunctions {
    static func `if`(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let condition = try args.boolean(0)
        // LibreOffice accepts IF(condition) alone and returns the condition's truth.
        if args.count < 2 { return .boolean(condition) }
        if condition { return args.operand(1) }
        // IF(FALSE, x) without a third argument is FALSE; an empty third argument (IF(c, x, )) is 0.
        if args.count < 3 { return .boolean(false) }
        return args.operand(2)
    }

    static func ifs(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        guard args.count % 2 == 0 else { throw .value }
        var i = 0
        while i < args.count {
            if try args.boolean(i) { return args.operand(i + 1) }
            i += 2
        }
        throw .na
    }

    static func ifError(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let first = args.value(0)
        if case .error = first { return args.operand(1) }
        return .value(first)
    }

    static func ifNA(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let first = args.value(0)
        if case .error(.na) = first { return args.operand(1) }
        return .value(first)
    }

    /// Booleans and numbers count; text inside ranges is skipped, text given directly is `#VALUE!`.
    private static func truthValues(_ args: FunctionArguments) throws(FormulaError) -> [Bool] {
        var result: [Bool] = []
        try Aggregation.forEachValue(args) { v, direct throws(FormulaError) in
            switch v {
            case .boolean(let b): result.append(b)
            case .number(let n): result.append(n != 0)
            case .error(let e): throw e
            case .text: if direct { throw .value }
            case .blank: break
            }
        }
        guard !result.isEmpty else { throw .value }
        return result
    }

    static func and(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        .boolean(try truthValues(args).allSatisfy { $0 })
    }

    static func or(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        .boolean(try truthValues(args).contains(true))
    }

    static func xor(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        .boolean(try truthValues(args).filter { $0 }.count % 2 == 1)
    }

    static func not(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        .boolean(!(try args.boolean(0)))
    }

    static func `true`(_ args: FunctionArguments) throws(FormulaError) -> Operand { .boolean(true) }
    static func `false`(_ args: FunctionArguments) throws(FormulaError) -> Operand { .boolean(false) }
}
