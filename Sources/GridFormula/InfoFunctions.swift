/// IS* tests. They never propagate errors: they are how formulas look at errors.
enum InfoFunctions {
    static func isBlank(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        .boolean(args.value(0).isBlank)
    }

    static func isNumber(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        if case .number = args.value(0) { return .boolean(true) }
        return .boolean(false)
    }

    static func isText(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        if case .text = args.value(0) { return .boolean(true) }
        return .boolean(false)
    }

    static func isLogical(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        if case .boolean = args.value(0) { return .boolean(true) }
        return .boolean(false)
    }

    static func isError(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        .boolean(args.value(0).errorValue != nil)
    }

    static func isErr(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let e = args.value(0).errorValue
        return .boolean(e != nil && e != .na)
    }

    static func isNA(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        .boolean(args.value(0).errorValue == .na)
    }

    static func na(_ args: FunctionArguments) throws(FormulaError) -> Operand { .error(.na) }
}
