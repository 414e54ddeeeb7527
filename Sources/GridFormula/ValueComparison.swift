/// Ordering used by comparison operators and lookups: numbers < text < booleans (Excel and
/// LibreOffice), text compared case-insensitively, a blank reading as 0, "" or FALSE to match the other side.
enum ValueComparison {
    /// LibreOffice stores booleans as numbers, so they compare as 1 and 0.
    private static func rank(_ value: FormulaValue) -> Int {
        switch value {
        case .number, .blank, .boolean: return 0
        case .text: return 1
        case .error: return 2
        }
    }

    /// LibreOffice's approxEqual: numbers within about 2^-48 of each other are equal, so `0.1+0.2=0.3`.
    static func approximatelyEqual(_ x: Double, _ y: Double) -> Bool {
        x == y || Swift.abs(x - y) <= Swift.max(Swift.abs(x), Swift.abs(y)) * 3.5527136788005009e-15
    }

    static func foldCase(_ text: String) -> String { text.uppercased() }

    static func compare(_ a: FormulaValue, _ b: FormulaValue) throws(FormulaError) -> Int {
        if case .error(let e) = a { throw e }
        if case .error(let e) = b { throw e }
        switch (a, b) {
        case (.blank, .blank): return 0
        case (.blank, .text(let t)): return compareText("", t)
        case (.text(let t), .blank): return compareText(t, "")
        case (.blank, .boolean(let x)): return compareBool(false, x)
        case (.boolean(let x), .blank): return compareBool(x, false)
        default: break
        }
        let ra = rank(a)
        let rb = rank(b)
        if ra != rb { return ra < rb ? -1 : 1 }
        switch (a, b) {
        case (.text(let x), .text(let y)): return compareText(x, y)
        case (.boolean(let x), .boolean(let y)): return compareBool(x, y)
        default:
            let x = (try? ValueCoercion.number(a)) ?? 0
            let y = (try? ValueCoercion.number(b)) ?? 0
            if approximatelyEqual(x, y) { return 0 }
            return x < y ? -1 : 1
        }
    }

    /// Case-insensitive, with spaces and punctuation sorting before digits and digits before letters,
    /// as LibreOffice's collator orders them (`~x` < `apple`), then by code point.
    static func compareText(_ x: String, _ y: String) -> Int {
        let fx = foldCase(x)
        let fy = foldCase(y)
        if fx == fy { return 0 }
        return fx.unicodeScalars.map(collationKey).lexicographicallyPrecedes(fy.unicodeScalars.map(collationKey)) ? -1 : 1
    }

    private static func collationKey(_ s: Unicode.Scalar) -> UInt64 {
        let v = UInt64(s.value)
        let group: UInt64
        switch s.value {
        case 48...57: group = 1
        case 65...90, 97...122: group = 2
        case 0..<128: group = 0
        default: group = 3
        }
        return group << 32 | v
    }

    private static func compareBool(_ x: Bool, _ y: Bool) -> Int {
        x == y ? 0 : (!x ? -1 : 1)
    }

    /// Equality for lookups: same type and equal, text case-insensitive; never coerces across types.
    static func lookupEqual(_ a: FormulaValue, _ b: FormulaValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return approximatelyEqual(x, y)
        case (.text(let x), .text(let y)): return foldCase(x) == foldCase(y)
        case (.boolean(let x), .boolean(let y)): return x == y
        default: return false
        }
    }
}
