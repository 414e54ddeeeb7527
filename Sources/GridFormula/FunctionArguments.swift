import Shared

/// The arguments of one call, evaluated on demand according to the function's parameter kinds.
struct FunctionArguments {
    let spec: FunctionSpec
    let expressions: [FormulaExpression]
    let evaluator: FormulaEvaluator
    /// Already evaluated operands (element-wise lifting); nil evaluates `expressions` lazily.
    let precomputed: [Operand]?

    var count: Int { precomputed?.count ?? expressions.count }
    var origin: CellAddress { evaluator.origin }
    var clock: Int64 { evaluator.clock }
    var store: CellStore { evaluator.store }

    func isMissing(_ index: Int) -> Bool {
        guard index < count else { return true }
        if index < expressions.count, case .missing = expressions[index] { return true }
        return false
    }

    func operand(_ index: Int) -> Operand {
        guard index < count else { return .value(.blank) }
        if let precomputed { return precomputed[index] }
        var evaluator = evaluator
        switch spec.parameter(at: index) {
        case .array: evaluator.arrayMode = true
        case .scalar, .lazy, .values, .reference: break
        }
        return evaluator.evaluate(expressions[index])
    }

    func value(_ index: Int) -> FormulaValue {
        evaluator.scalar(operand(index))
    }

    /// Like `value`, but an error argument ends the call with that error.
    func checkedValue(_ index: Int) throws(FormulaError) -> FormulaValue {
        let v = value(index)
        if case .error(let e) = v { throw e }
        return v
    }

    func number(_ index: Int) throws(FormulaError) -> Double {
        try ValueCoercion.number(value(index))
    }

    func number(_ index: Int, default fallback: Double) throws(FormulaError) -> Double {
        isMissing(index) ? fallback : try number(index)
    }

    func integer(_ index: Int) throws(FormulaError) -> Int {
        try ValueCoercion.integer(value(index))
    }

    func integer(_ index: Int, default fallback: Int) throws(FormulaError) -> Int {
        isMissing(index) ? fallback : try integer(index)
    }

    func text(_ index: Int) throws(FormulaError) -> String {
        try ValueCoercion.text(value(index))
    }

    func boolean(_ index: Int) throws(FormulaError) -> Bool {
        try ValueCoercion.boolean(value(index))
    }

    func boolean(_ index: Int, default fallback: Bool) throws(FormulaError) -> Bool {
        isMissing(index) ? fallback : try boolean(index)
    }

    /// A reference argument; values and arrays are `#VALUE!`, error values pass through.
    func range(_ index: Int) throws(FormulaError) -> FormulaRange {
        switch operand(index) {
        case .range(let r): return r
        case .value(.error(let e)): throw e
        case .value, .array: throw .value
        }
    }
}
