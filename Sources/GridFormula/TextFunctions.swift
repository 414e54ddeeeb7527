/// Text functions. Lengths and positions count Swift characters (grapheme clusters).
enum TextFunctions {
    /// Excel's and LibreOffice's cell text limit.
    static let maximumLength = 32_767

    private static func checked(_ text: String) throws(FormulaError) -> Operand {
        guard text.count <= maximumLength else { throw .value }
        return .text(text)
    }

    static func concat(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        var result = ""
        try Aggregation.forEachValue(args) { v, _ throws(FormulaError) in result += try ValueCoercion.text(v) }
        return try checked(result)
    }

    static func concatenate(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        var result = ""
        for i in 0..<args.count { result += try args.text(i) }
        return try checked(result)
    }

    static func textJoin(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let delimiter = try args.text(0)
        let ignoreEmpty = try args.boolean(1)
        var parts: [String] = []
        try Aggregation.forEachValue(args, from: 2, includeBlanks: !ignoreEmpty) { v, _ throws(FormulaError) in
            let t = try ValueCoercion.text(v)
            if !(ignoreEmpty && t.isEmpty) { parts.append(t) }
        }
        return try checked(parts.joined(separator: delimiter))
    }

    static func left(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let text = try args.text(0)
        let n = try args.integer(1, default: 1)
        guard n >= 0 else { throw .value }
        return .text(String(text.prefix(n)))
    }

    static func right(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let text = try args.text(0)
        let n = try args.integer(1, default: 1)
        guard n >= 0 else { throw .value }
        return .text(String(text.suffix(n)))
    }

    static func mid(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let chars = Array(try args.text(0))
        let start = try args.integer(1)
        let n = try args.integer(2)
        guard start >= 1, n >= 0 else { throw .value }
        guard start <= chars.count else { return .text("") }
        return .text(String(chars[(start - 1)..<Swift.min(chars.count, start - 1 + n)]))
    }

    static func len(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        .number(Double(try args.text(0).count))
    }

    /// Removes leading and trailing spaces and collapses inner runs of spaces to one.
    static func trim(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let words = try args.text(0).split(separator: " ", omittingEmptySubsequences: true)
        return .text(words.joined(separator: " "))
    }

    static func upper(_ args: FunctionArguments) throws(FormulaError) -> Operand { .text(try args.text(0).uppercased()) }
    static func lower(_ args: FunctionArguments) throws(FormulaError) -> Operand { .text(try args.text(0).lowercased()) }

    /// First letter of every run of letters upper-case, the rest lower-case.
    static func proper(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        var result = ""
        var previousIsLetter = false
        for ch in try args.text(0) {
            result += previousIsLetter ? ch.lowercased() : ch.uppercased()
            previousIsLetter = ch.isLetter
        }
        return .text(result)
    }

    static func substitute(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let text = try args.text(0)
        let old = try args.text(1)
        let new = try args.text(2)
        guard !old.isEmpty else { return .text(text) }
        let pieces = text.split(separator: old, omittingEmptySubsequences: false).map(String.init)
        if args.isMissing(3) { return try checked(pieces.joined(separator: new)) }
        let instance = try args.integer(3)
        guard instance >= 1 else { throw .value }
        guard instance < pieces.count else { return .text(text) }
        let head = pieces[0..<instance].joined(separator: old)
        let tail = pieces[instance...].joined(separator: old)
        return try checked(head + new + tail)
    }

    static func find(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let needle = Array(try args.text(0))
        let haystack = Array(try args.text(1))
        let start = try args.integer(2, default: 1)
        guard start >= 1, start <= haystack.count + 1, !needle.isEmpty else { throw .value }
        var i = start - 1
        while i + needle.count <= haystack.count {
            if Array(haystack[i..<(i + needle.count)]) == needle { return .number(Double(i + 1)) }
            i += 1
        }
        throw .value
    }

    static func search(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let needle = try args.text(0)
        let haystack = try args.text(1)
        let start = try args.integer(2, default: 1)
        guard start >= 1, start <= haystack.count + 1, !needle.isEmpty else { throw .value }
        guard let found = WildcardPattern(needle).firstMatch(in: haystack, from: start - 1) else { throw .value }
        return .number(Double(found + 1))
    }

    static func rept(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let text = try args.text(0)
        let n = try args.integer(1)
        guard n >= 0, text.count * n <= maximumLength else { throw .value }
        return .text(String(repeating: text, count: n))
    }

    static func value(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        switch try args.checkedValue(0) {
        case .number(let n): return .number(n)
        case .blank: return .number(0)
        case .boolean: throw .value
        case .text(let t):
            guard let n = TypedInput.number(from: t) else { throw .value }
            return .number(n)
        case .error(let e): throw e
        }
    }

    static func text(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let v = try args.checkedValue(0)
        let format = try args.text(1)
        return .text(try FormatCode(format).format(v))
    }

    static func exact(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        .boolean(try args.text(0) == args.text(1))
    }
}
