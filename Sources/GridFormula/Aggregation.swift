/// How aggregate functions (SUM, AVERAGE, MIN, MAX, PRODUCT, COUNT) see their arguments, as LibreOffice does:
/// a value given directly counts if it is a number or boolean, and text given directly is `#VALUE!`
/// (even `"3"`, unlike Excel), while inside ranges and arrays
/// only numbers and booleans count, text and blanks are skipped, and any error propagates.
enum Aggregation {
    static func forEachNumber(_ args: FunctionArguments, from first: Int = 0,
                              _ body: (Double) -> Void) throws(FormulaError) {
        guard first < args.count else { return }
        for i in first..<args.count where !args.isMissing(i) {
            switch args.operand(i) {
            case .value(let v):
                if v.isBlank { continue }
                if case .text = v { throw .value }
                body(try ValueCoercion.number(v))
            case .range(let r):
                try args.store.forEachNonBlank(in: r) { _, v throws(FormulaError) in
                    if let n = try rangeNumber(v) { body(n) }
                }
            case .array(let m):
                for v in m.values {
                    if let n = try rangeNumber(v) { body(n) }
                }
            }
        }
    }

    /// A cell's contribution inside a range: numbers and booleans (LibreOffice stores booleans as numbers).
    static func rangeNumber(_ v: FormulaValue) throws(FormulaError) -> Double? {
        switch v {
        case .number(let n): return n
        case .boolean(let b): return b ? 1 : 0
        case .error(let e): throw e
        case .text, .blank: return nil
        }
    }

    /// Every value an argument list holds, flattened row-major, for functions that look at all of them.
    static func forEachValue(_ args: FunctionArguments, from first: Int = 0,
                             includeBlanks: Bool = false,
                             _ body: (FormulaValue, _ direct: Bool) throws(FormulaError) -> Void) throws(FormulaError) {
        guard first < args.count else { return }
        for i in first..<args.count {
            switch args.operand(i) {
            case .value(let v):
                if args.isMissing(i) && !includeBlanks { continue }
                try body(v, true)
            case .range(let r):
                if includeBlanks {
                    let m = args.evaluator.matrix(.range(r))
                    for v in m.values { try body(v, false) }
                } else {
                    try args.store.forEachNonBlank(in: r) { _, v throws(FormulaError) in try body(v, false) }
                }
            case .array(let m):
                for v in m.values where includeBlanks || !v.isBlank { try body(v, false) }
            }
        }
    }
}
