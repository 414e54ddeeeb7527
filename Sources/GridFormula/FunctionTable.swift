/// Every function the engine knows, in one place. Adding a function is one entry here plus its tests.
/// Parameter kinds (see `FunctionSpec.Parameter`) list the leading parameters; the last kind repeats.
enum FunctionTable {
    private static let variadic = 255

    static let entries: [FunctionSpec] = [
        // Math
        FunctionSpec("SUM", 1...variadic, [.values], MathFunctions.sum),
        FunctionSpec("PRODUCT", 1...variadic, [.values], MathFunctions.product),
        FunctionSpec("SUMPRODUCT", 1...variadic, [.array], MathFunctions.sumProduct),
        FunctionSpec("ROUND", 1...2, [.scalar], MathFunctions.round),
        FunctionSpec("ROUNDUP", 1...2, [.scalar], MathFunctions.roundUp),
        FunctionSpec("ROUNDDOWN", 1...2, [.scalar], MathFunctions.roundDown),
        FunctionSpec("INT", 1...1, [.scalar], MathFunctions.int),
        FunctionSpec("MOD", 2...2, [.scalar], MathFunctions.mod),
        FunctionSpec("ABS", 1...1, [.scalar], MathFunctions.abs),
        FunctionSpec("SQRT", 1...1, [.scalar], MathFunctions.sqrt),
        FunctionSpec("POWER", 2...2, [.scalar], MathFunctions.powerFunction),
        // Statistics
        FunctionSpec("AVERAGE", 1...variadic, [.values], StatisticalFunctions.average),
        FunctionSpec("COUNT", 1...variadic, [.values], StatisticalFunctions.count),
        FunctionSpec("COUNTA", 1...variadic, [.values], StatisticalFunctions.countA),
        FunctionSpec("COUNTBLANK", 1...1, [.reference], StatisticalFunctions.countBlank),
        FunctionSpec("MIN", 1...variadic, [.values], StatisticalFunctions.min),
        FunctionSpec("MAX", 1...variadic, [.values], StatisticalFunctions.max),
        // Conditional aggregates
        FunctionSpec("SUMIF", 2...3, [.reference, .scalar, .reference], ConditionalFunctions.sumIf),
        FunctionSpec("SUMIFS", 3...variadic, [.reference, .reference, .scalar], ConditionalFunctions.sumIfs),
        FunctionSpec("COUNTIF", 2...2, [.reference, .scalar], ConditionalFunctions.countIf),
        FunctionSpec("COUNTIFS", 2...variadic, [.reference, .scalar], ConditionalFunctions.countIfs),
        FunctionSpec("AVERAGEIF", 2...3, [.reference, .scalar, .reference], ConditionalFunctions.averageIf),
        FunctionSpec("AVERAGEIFS", 3...variadic, [.reference, .reference, .scalar], ConditionalFunctions.averageIfs),
        // Logic
        FunctionSpec("IF", 1...3, [.scalar, .lazy], LogicFunctions.if),
        FunctionSpec("IFS", 2...variadic, [.lazy], LogicFunctions.ifs),
        FunctionSpec("IFERROR", 2...2, [.scalar, .lazy], LogicFunctions.ifError),
        FunctionSpec("IFNA", 2...2, [.scalar, .lazy], LogicFunctions.ifNA),
        FunctionSpec("AND", 1...variadic, [.values], LogicFunctions.and),
        FunctionSpec("OR", 1...variadic, [.values], LogicFunctions.or),
        FunctionSpec("XOR", 1...variadic, [.values], LogicFunctions.xor),
        FunctionSpec("NOT", 1...1, [.scalar], LogicFunctions.not),
        FunctionSpec("TRUE", 0...0, [], LogicFunctions.true),
        FunctionSpec("FALSE", 0...0, [], LogicFunctions.false),
        // Information
        FunctionSpec("ISBLANK", 1...1, [.scalar], InfoFunctions.isBlank),
        FunctionSpec("ISNUMBER", 1...1, [.scalar], InfoFunctions.isNumber),
        FunctionSpec("ISTEXT", 1...1, [.scalar], InfoFunctions.isText),
        FunctionSpec("ISLOGICAL", 1...1, [.scalar], InfoFunctions.isLogical),
        FunctionSpec("ISERROR", 1...1, [.scalar], InfoFunctions.isError),
        FunctionSpec("ISERR", 1...1, [.scalar], InfoFunctions.isErr),
        FunctionSpec("ISNA", 1...1, [.scalar], InfoFunctions.isNA),
        FunctionSpec("NA", 0...0, [], InfoFunctions.na),
        // Lookup and reference
        FunctionSpec("VLOOKUP", 3...4, [.scalar, .reference, .scalar], LookupFunctions.vlookup),
        FunctionSpec("HLOOKUP", 3...4, [.scalar, .reference, .scalar], LookupFunctions.hlookup),
        FunctionSpec("XLOOKUP", 3...6, [.scalar, .values, .values, .lazy, .scalar], LookupFunctions.xlookup),
        FunctionSpec("MATCH", 2...3, [.scalar, .values, .scalar], LookupFunctions.match),
        FunctionSpec("INDEX", 2...3, [.values, .scalar], LookupFunctions.index),
        FunctionSpec("CHOOSE", 2...variadic, [.scalar, .lazy], LookupFunctions.choose),
        FunctionSpec("ROWS", 1...1, [.values], LookupFunctions.rows),
        FunctionSpec("COLUMNS", 1...1, [.values], LookupFunctions.columns),
        // Text
        FunctionSpec("CONCAT", 1...variadic, [.values], TextFunctions.concat),
        FunctionSpec("CONCATENATE", 1...variadic, [.scalar], TextFunctions.concatenate),
        FunctionSpec("TEXTJOIN", 3...variadic, [.scalar, .scalar, .values], TextFunctions.textJoin),
        FunctionSpec("LEFT", 1...2, [.scalar], TextFunctions.left),
        FunctionSpec("RIGHT", 1...2, [.scalar], TextFunctions.right),
        FunctionSpec("MID", 3...3, [.scalar], TextFunctions.mid),
        FunctionSpec("LEN", 1...1, [.scalar], TextFunctions.len),
        FunctionSpec("TRIM", 1...1, [.scalar], TextFunctions.trim),
        FunctionSpec("UPPER", 1...1, [.scalar], TextFunctions.upper),
        FunctionSpec("LOWER", 1...1, [.scalar], TextFunctions.lower),
        FunctionSpec("PROPER", 1...1, [.scalar], TextFunctions.proper),
        FunctionSpec("SUBSTITUTE", 3...4, [.scalar], TextFunctions.substitute),
        FunctionSpec("FIND", 2...3, [.scalar], TextFunctions.find),
        FunctionSpec("SEARCH", 2...3, [.scalar], TextFunctions.search),
        FunctionSpec("REPT", 2...2, [.scalar], TextFunctions.rept),
        FunctionSpec("EXACT", 2...2, [.scalar], TextFunctions.exact),
        FunctionSpec("VALUE", 1...1, [.scalar], TextFunctions.value),
        FunctionSpec("TEXT", 2...2, [.scalar], TextFunctions.text),
        // Date and time
        FunctionSpec("DATE", 3...3, [.scalar], DateFunctions.date),
        FunctionSpec("YEAR", 1...1, [.scalar], DateFunctions.year),
        FunctionSpec("MONTH", 1...1, [.scalar], DateFunctions.month),
        FunctionSpec("DAY", 1...1, [.scalar], DateFunctions.dayOfMonth),
        FunctionSpec("WEEKDAY", 1...2, [.scalar], DateFunctions.weekday),
        FunctionSpec("EDATE", 2...2, [.scalar], DateFunctions.edate),
        FunctionSpec("EOMONTH", 2...2, [.scalar], DateFunctions.eomonth),
        FunctionSpec("DAYS", 2...2, [.scalar], DateFunctions.days),
        FunctionSpec("TODAY", 0...0, [], volatile: true, DateFunctions.today),
        FunctionSpec("NOW", 0...0, [], volatile: true, DateFunctions.now),
    ]

    private static let indexByName: [String: Int] = {
        var map: [String: Int] = [:]
        for (i, entry) in entries.enumerated() {
            precondition(map[entry.name] == nil, "duplicate function \(entry.name)")
            map[entry.name] = i
        }
        return map
    }()

    static func index(of name: String) -> Int? { indexByName[name] }

    /// Upper-cased, without the `_xlfn.` / `_xlws.` prefixes xlsx files put on newer functions.
    static func canonicalName(_ word: String) -> String {
        let upper = word.uppercased()
        for prefix in ["_XLFN.", "_XLWS."] where upper.hasPrefix(prefix) {
            return String(upper.dropFirst(prefix.count))
        }
        return upper
    }

    /// All names, sorted, for documentation and completion.
    static var names: [String] { entries.map(\.name).sorted() }
}
