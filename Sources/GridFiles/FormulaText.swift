import Shared

/// Formula text between CollabGrid's form and the form stored in XLSX `<f>` elements: Excel
/// stores functions newer than Excel 2007 with an `_xlfn.` prefix (and a few as `_xlfn._xlws.`),
/// and files may share one formula over a range. Works on UTF-8 bytes: the syntax is ASCII, and
/// string literals and quoted sheet names are copied untouched.
enum FormulaText {
    /// Functions Excel writes as `_xlfn.NAME` ([MS-XLSX] future functions), so that Excel, which
    /// reads an unprefixed new function as an unknown name (#NAME?), recognises them.
    static let futureFunctions: Set<String> = [
        "ACOT", "ACOTH", "AGGREGATE", "ARABIC", "BASE", "BETA.DIST", "BETA.INV", "BINOM.DIST", "BINOM.DIST.RANGE",
        "BINOM.INV", "BITAND", "BITLSHIFT", "BITOR", "BITRSHIFT", "BITXOR", "CEILING.MATH", "CEILING.PRECISE",
        "CHISQ.DIST", "CHISQ.DIST.RT", "CHISQ.INV", "CHISQ.INV.RT", "CHISQ.TEST", "COMBINA", "CONCAT",
        "CONFIDENCE.NORM", "CONFIDENCE.T", "COT", "COTH", "COVARIANCE.P", "COVARIANCE.S", "CSC", "CSCH", "DAYS",
        "DECIMAL", "ERF.PRECISE", "ERFC.PRECISE", "EXPON.DIST", "F.DIST", "F.DIST.RT", "F.INV", "F.INV.RT", "F.TEST",
        "FILTERXML", "FLOOR.MATH", "FLOOR.PRECISE", "FORECAST.ETS", "FORECAST.ETS.CONFINT", "FORECAST.ETS.SEASONALITY",
        "FORECAST.ETS.STAT", "FORECAST.LINEAR", "FORMULATEXT", "GAMMA", "GAMMA.DIST", "GAMMA.INV", "GAMMALN.PRECISE",
        "GAUSS", "HYPGEOM.DIST", "IFNA", "IFS", "IMCOSH", "IMCOT", "IMCSC", "IMCSCH", "IMSEC", "IMSECH", "IMSINH",
        "IMTAN", "ISFORMULA", "ISOWEEKNUM", "LOGNORM.DIST", "LOGNORM.INV", "MAXIFS", "MINIFS", "MODE.MULT",
        "MODE.SNGL", "MUNIT", "NEGBINOM.DIST", "NETWORKDAYS.INTL", "NORM.DIST", "NORM.INV", "NORM.S.DIST",
        "NORM.S.INV", "NUMBERVALUE", "PDURATION", "PERCENTILE.EXC", "PERCENTILE.INC", "PERCENTRANK.EXC",
        "PERCENTRANK.INC", "PERMUTATIONA", "PHI", "POISSON.DIST", "QUARTILE.EXC", "QUARTILE.INC", "RANK.AVG",
        "RANK.EQ", "RRI", "SEC", "SECH", "SHEET", "SHEETS", "SKEW.P", "STDEV.P", "STDEV.S", "SWITCH", "T.DIST",
        "T.DIST.2T", "T.DIST.RT", "T.INV", "T.INV.2T", "T.TEST", "TEXTJOIN", "UNICHAR", "UNICODE", "VAR.P", "VAR.S",
        "WEBSERVICE", "WEIBULL.DIST", "WORKDAY.INTL", "XOR", "Z.TEST",
        // Dynamic-array era functions.
        "ANCHORARRAY", "ARRAYTOTEXT", "BYCOL", "BYROW", "CHOOSECOLS", "CHOOSEROWS", "DROP", "EXPAND", "HSTACK",
        "ISOMITTED", "LAMBDA", "LET", "MAKEARRAY", "MAP", "RANDARRAY", "REDUCE", "SCAN", "SEQUENCE", "SINGLE",
        "SORTBY", "TAKE", "TEXTAFTER", "TEXTBEFORE", "TEXTSPLIT", "TOCOL", "TOROW", "UNIQUE", "VALUETOTEXT",
        "VSTACK", "WRAPCOLS", "WRAPROWS", "XLOOKUP", "XMATCH",
    ]

    /// Future functions that Excel stores with the worksheet-function namespace as well.
    static let worksheetNamespaceFunctions: Set<String> = ["FILTER", "SORT"]

    private static let prefixes = ["_XLFN.", "_XLWS.", "_XLPM."]

    /// Removes `_xlfn.`, `_xlws.` and `_xlpm.` (any case) outside string literals: CollabGrid knows its
    /// functions by their plain names.
    static func removingPrefixes(_ formula: String) -> String {
        guard formula.utf8.contains(UInt8(ascii: "_")) else { return formula }
        let bytes = Array(formula.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if let end = literalEnd(bytes, at: i) {
                out.append(contentsOf: bytes[i..<end])
                i = end
                continue
            }
            if bytes[i] == UInt8(ascii: "_"), i == 0 || !isNameByte(bytes[i - 1]) {
                // `_xlfn._xlws.SORT` carries two prefixes in a row.
                var stripped = false
                while let prefix = prefixes.first(where: { hasPrefix(bytes, at: i, $0) }) {
                    i += prefix.utf8.count
                    stripped = true
                }
                if stripped { continue }
            }
            out.append(bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Adds the prefixes Excel needs before future functions (a name followed by `(`), leaving
    /// names already prefixed alone.
    static func addingPrefixes(_ formula: String) -> String {
        let bytes = Array(formula.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        var i = 0
        while i < bytes.count {
            if let end = literalEnd(bytes, at: i) {
                out.append(contentsOf: bytes[i..<end])
                i = end
                continue
            }
            guard isNameStart(bytes[i]), i == 0 || !isNameByte(bytes[i - 1]) else {
                out.append(bytes[i])
                i += 1
                continue
            }
            var end = i
            while end < bytes.count, isNameByte(bytes[end]) { end += 1 }
            if end < bytes.count, bytes[end] == UInt8(ascii: "(") {
                let name = String(decoding: bytes[i..<end], as: UTF8.self).uppercased()
                if worksheetNamespaceFunctions.contains(name) {
                    out.append(contentsOf: "_xlfn._xlws.".utf8)
                } else if futureFunctions.contains(name) {
                    out.append(contentsOf: "_xlfn.".utf8)
                }
            }
            out.append(contentsOf: bytes[i..<end])
            i = end
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A shared formula's master text moved by `rows` and `columns`, as a cell below or beside
    /// the master reads it: relative parts of A1 references, `A:B` columns and `1:2` rows move,
    /// `$` parts stay, and a reference moved off the grid becomes `#REF!`.
    static func shifted(_ formula: String, rows: Int, columns: Int) -> String {
        guard rows != 0 || columns != 0 else { return formula }
        let bytes = Array(formula.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 4)
        var i = 0
        while i < bytes.count {
            if let end = literalEnd(bytes, at: i) {
                out.append(contentsOf: bytes[i..<end])
                i = end
                continue
            }
            let startsToken = i == 0 || !isNameByte(bytes[i - 1])
            if startsToken, let (text, end) = shiftedReference(bytes, at: i, rows: rows, columns: columns) {
                out.append(contentsOf: text.utf8)
                i = end
                continue
            }
            if startsToken, isNameByte(bytes[i]) {
                // A function name, defined name or number: copied whole, so LOG10 or 1E5 is not read as a reference.
                var end = i
                while end < bytes.count, isNameByte(bytes[end]) { end += 1 }
                out.append(contentsOf: bytes[i..<end])
                i = end
                continue
            }
            out.append(bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Scanning

    /// The end of a string literal (`"…"`) or quoted sheet name (`'…'`) starting at `i`, doubled quotes inside.
    private static func literalEnd(_ bytes: [UInt8], at i: Int) -> Int? {
        let quote = bytes[i]
        guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return nil }
        var j = i + 1
        while j < bytes.count {
            if bytes[j] == quote {
                if j + 1 < bytes.count, bytes[j + 1] == quote {
                    j += 2
                    continue
                }
                return j + 1
            }
            j += 1
        }
        return bytes.count
    }

    private static func hasPrefix(_ bytes: [UInt8], at i: Int, _ prefix: String) -> Bool {
        let p = Array(prefix.utf8)
        guard i + p.count <= bytes.count else { return false }
        for k in 0..<p.count {
            let matches = isLetter(p[k]) ? bytes[i + k] & 0xDF == p[k] : bytes[i + k] == p[k]
            if !matches { return false }
        }
        return true
    }

    private static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") }
    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
    private static func isNameStart(_ b: UInt8) -> Bool { isLetter(b) || b == UInt8(ascii: "_") || b >= 0x80 }
    private static func isNameByte(_ b: UInt8) -> Bool {
        isNameStart(b) || isDigit(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "\\")
    }

    private struct Part {
        var absolute: Bool
        var value: Int
        var end: Int
    }

    private static func columnPart(_ bytes: [UInt8], at i: Int) -> Part? {
        var j = i
        let absolute = j < bytes.count && bytes[j] == UInt8(ascii: "$")
        if absolute { j += 1 }
        var value = 0
        var letters = 0
        while j < bytes.count, isLetter(bytes[j]), letters < 3 {
            value = value * 26 + Int((bytes[j] & 0xDF) - UInt8(ascii: "A")) + 1
            letters += 1
            j += 1
        }
        guard letters > 0 else { return nil }
        return Part(absolute: absolute, value: value - 1, end: j)
    }

    private static func rowPart(_ bytes: [UInt8], at i: Int) -> Part? {
        var j = i
        let absolute = j < bytes.count && bytes[j] == UInt8(ascii: "$")
        if absolute { j += 1 }
        var value = 0
        var digits = 0
        while j < bytes.count, isDigit(bytes[j]), digits < 7 {
            value = value * 10 + Int(bytes[j] - UInt8(ascii: "0"))
            digits += 1
            j += 1
        }
        guard digits > 0, value > 0 else { return nil }
        return Part(absolute: absolute, value: value - 1, end: j)
    }

    private static func ends(_ bytes: [UInt8], at j: Int) -> Bool {
        j >= bytes.count || !(isNameByte(bytes[j]) || bytes[j] == UInt8(ascii: "(") || bytes[j] == UInt8(ascii: "!"))
    }

    private static func render(_ part: Part, moved by: Int, limit: Int, column: Bool) -> String? {
        let value = part.absolute ? part.value : part.value + by
        guard value >= 0, value < limit else { return nil }
        return (part.absolute ? "$" : "") + (column ? CellAddress.columnName(value) : String(value + 1))
    }

    /// A cell reference, `A:B` column range or `1:2` row range at `i`, moved; nil if none starts there.
    private static func shiftedReference(_ bytes: [UInt8], at i: Int, rows: Int, columns: Int) -> (String, Int)? {
        if let column = columnPart(bytes, at: i) {
            if let row = rowPart(bytes, at: column.end), ends(bytes, at: row.end) {
                guard let c = render(column, moved: columns, limit: CellAddress.maxColumns, column: true),
                      let r = render(row, moved: rows, limit: CellAddress.maxRows, column: false) else { return ("#REF!", row.end) }
                return (c + r, row.end)
            }
            if column.end < bytes.count, bytes[column.end] == UInt8(ascii: ":"),
               let other = columnPart(bytes, at: column.end + 1), ends(bytes, at: other.end) {
                guard let a = render(column, moved: columns, limit: CellAddress.maxColumns, column: true),
                      let b = render(other, moved: columns, limit: CellAddress.maxColumns, column: true) else { return ("#REF!", other.end) }
                return (a + ":" + b, other.end)
            }
            return nil
        }
        if let row = rowPart(bytes, at: i), row.end < bytes.count, bytes[row.end] == UInt8(ascii: ":"),
           let other = rowPart(bytes, at: row.end + 1), ends(bytes, at: other.end) {
            guard let a = render(row, moved: rows, limit: CellAddress.maxRows, column: false),
                  let b = render(other, moved: rows, limit: CellAddress.maxRows, column: false) else { return ("#REF!", other.end) }
            return (a + ":" + b, other.end)
        }
        return nil
    }
}
