import Shared

/// Splits formula text into tokens. References are recognised here, where adjacency is still visible
/// (`A1:B2`, `A:A`, `3:3`, `$A$1`), so the parser never has to guess whether `1` starts a row range.
struct FormulaLexer {
    private let scalars: [Unicode.Scalar]
    private var position = 0

    static func tokenize(_ text: String) throws(FormulaError) -> [FormulaToken] {
        try tokenizeWithSpans(Array(text.unicodeScalars)).map(\.token)
    }

    /// Tokens with the scalar offsets they came from, so references can be rewritten in place.
    static func tokenizeWithSpans(_ scalars: [Unicode.Scalar]) throws(FormulaError) -> [(token: FormulaToken, span: Range<Int>)] {
        var lexer = FormulaLexer(scalars: scalars)
        var tokens: [(token: FormulaToken, span: Range<Int>)] = []
        while true {
            lexer.skipWhitespace()
            let start = lexer.position
            guard let token = try lexer.next() else { break }
            tokens.append((token, start..<lexer.position))
        }
        return tokens
    }

    private init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    private func scalar(at index: Int) -> Unicode.Scalar? {
        index < scalars.count ? scalars[index] : nil
    }

    private mutating func skipWhitespace() {
        while let c = scalar(at: position), c == " " || c == "\n" || c == "\t" || c == "\r" {
            position += 1
        }
    }

    private mutating func next() throws(FormulaError) -> FormulaToken? {
        skipWhitespace()
        guard let c = scalar(at: position) else { return nil }
        switch c {
        case "\"":
            return try lexString()
        case "#":
            return try lexErrorLiteral()
        case "(":
            position += 1
            return .leftParen
        case ")":
            position += 1
            return .rightParen
        case ",", ";":
            position += 1
            return .separator
        case "+", "-", "*", "/", "^", "&", "=", "%":
            position += 1
            return .symbol(String(c))
        case "<":
            if let n = scalar(at: position + 1), n == "=" || n == ">" {
                position += 2
                return .symbol("<" + String(n))
            }
            position += 1
            return .symbol("<")
        case ">":
            if scalar(at: position + 1) == "=" {
                position += 2
                return .symbol(">=")
            }
            position += 1
            return .symbol(">")
        default:
            if let reference = try lexReference() { return reference }
            if Self.isDigit(c) || c == "." { return try lexNumber() }
            if Self.isLetter(c) || c == "_" { return lexIdentifier() }
            throw .syntax
        }
    }

    private mutating func lexString() throws(FormulaError) -> FormulaToken {
        var text = String.UnicodeScalarView()
        position += 1
        while let c = scalar(at: position) {
            position += 1
            if c == "\"" {
                if scalar(at: position) == "\"" {
                    text.append("\"")
                    position += 1
                } else {
                    return .text(String(text))
                }
            } else {
                text.append(c)
            }
        }
        throw .syntax
    }

    private mutating func lexErrorLiteral() throws(FormulaError) -> FormulaToken {
        // Longest match wins so `#N/A` is not cut short by a shorter code.
        var best: (FormulaError, Int)?
        for error in FormulaError.allCases where error != .cycle && error != .syntax {
            let code = Array(error.rawValue.unicodeScalars)
            guard position + code.count <= scalars.count else { continue }
            let candidate = scalars[position..<position + code.count]
            if zip(candidate, code).allSatisfy({ Self.upper($0) == Self.upper($1) }),
               code.count > (best?.1 ?? 0) {
                best = (error, code.count)
            }
        }
        guard let (error, length) = best else { throw .syntax }
        position += length
        return .error(error)
    }

    private mutating func lexNumber() throws(FormulaError) -> FormulaToken {
        let start = position
        while let c = scalar(at: position), Self.isDigit(c) { position += 1 }
        if scalar(at: position) == "." {
            position += 1
            while let c = scalar(at: position), Self.isDigit(c) { position += 1 }
        }
        if let e = scalar(at: position), e == "e" || e == "E" {
            var probe = position + 1
            if let sign = scalar(at: probe), sign == "+" || sign == "-" { probe += 1 }
            if let d = scalar(at: probe), Self.isDigit(d) {
                position = probe
                while let c = scalar(at: position), Self.isDigit(c) { position += 1 }
            }
        }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[start..<position])
        guard let value = Double(String(text)), value.isFinite else { throw .syntax }
        if let c = scalar(at: position), Self.isLetter(c) || c == "_" { throw .syntax }
        return .number(value)
    }

    private mutating func lexIdentifier() -> FormulaToken {
        let start = position
        while let c = scalar(at: position), Self.isIdentifierPart(c) { position += 1 }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[start..<position])
        return .identifier(String(text))
    }

    // MARK: references

    private struct Part {
        var index: Int
        var absolute: Bool
        var end: Int
    }

    private func columnPart(at start: Int) -> Part? {
        var i = start
        let absolute = scalar(at: i) == "$"
        if absolute { i += 1 }
        var column = 0
        var letters = 0
        while let c = scalar(at: i), Self.isLetter(c) {
            column = column * 26 + Int(Self.upper(c).value - 64)
            letters += 1
            i += 1
            if letters > 3 { return nil }
        }
        guard letters > 0 else { return nil }
        return Part(index: column - 1, absolute: absolute, end: i)
    }

    private func rowPart(at start: Int) -> Part? {
        var i = start
        let absolute = scalar(at: i) == "$"
        if absolute { i += 1 }
        var row = 0
        var digits = 0
        while let c = scalar(at: i), Self.isDigit(c) {
            if digits < 9 { row = row * 10 + Int(c.value - 48) }
            digits += 1
            i += 1
        }
        guard digits > 0 else { return nil }
        return Part(index: digits > 8 ? Int.max : row - 1, absolute: absolute, end: i)
    }

    private func endsWord(_ index: Int) -> Bool {
        guard let c = scalar(at: index) else { return true }
        return !Self.isIdentifierPart(c) && c != "(" && c != "$"
    }

    private func cellPart(at start: Int) -> (reference: CellReference, end: Int, inGrid: Bool)? {
        guard let column = columnPart(at: start), let row = rowPart(at: column.end), endsWord(row.end) else { return nil }
        let reference = CellReference(column: column.index, row: row.index,
                                      columnAbsolute: column.absolute, rowAbsolute: row.absolute)
        return (reference, row.end, CellAddress(column: column.index, row: row.index) != nil)
    }

    /// Recognises a reference at the current position, or returns nil to let it lex as a word or number.
    private mutating func lexReference() throws(FormulaError) -> FormulaToken? {
        if let first = cellPart(at: position) {
            guard first.inGrid else { return nil }
            if scalar(at: first.end) == ":" {
                guard let second = cellPart(at: first.end + 1) else { throw .syntax }
                position = second.end
                guard second.inGrid else { return .identifier("out-of-grid") }
                return .range(RangeReference(start: first.reference, end: second.reference, shape: .cells))
            }
            position = first.end
            return .cell(first.reference)
        }
        if let left = columnPart(at: position), scalar(at: left.end) == ":",
           let right = columnPart(at: left.end + 1), endsWord(right.end) {
            guard left.index < CellAddress.maxColumns, right.index < CellAddress.maxColumns else { throw .syntax }
            position = right.end
            let last = CellAddress.maxRows - 1
            return .range(RangeReference(
                start: CellReference(column: left.index, row: 0, columnAbsolute: left.absolute, rowAbsolute: false),
                end: CellReference(column: right.index, row: last, columnAbsolute: right.absolute, rowAbsolute: false),
                shape: .columns))
        }
        if let top = rowPart(at: position), scalar(at: top.end) == ":",
           let bottom = rowPart(at: top.end + 1), endsWord(bottom.end) {
            guard (0..<CellAddress.maxRows).contains(top.index), (0..<CellAddress.maxRows).contains(bottom.index) else {
                throw .syntax
            }
            position = bottom.end
            let last = CellAddress.maxColumns - 1
            return .range(RangeReference(
                start: CellReference(column: 0, row: top.index, columnAbsolute: false, rowAbsolute: top.absolute),
                end: CellReference(column: last, row: bottom.index, columnAbsolute: false, rowAbsolute: bottom.absolute),
                shape: .rows))
        }
        return nil
    }

    // MARK: character classes

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 48 && c.value <= 57 }

    static func isLetter(_ c: Unicode.Scalar) -> Bool {
        (c.value >= 65 && c.value <= 90) || (c.value >= 97 && c.value <= 122)
    }

    static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
        isLetter(c) || isDigit(c) || c == "_" || c == "."
    }

    static func upper(_ c: Unicode.Scalar) -> Unicode.Scalar {
        (c.value >= 97 && c.value <= 122) ? Unicode.Scalar(c.value - 32)! : c
    }
}
