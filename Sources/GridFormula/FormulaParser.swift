/// Recursive-descent parser with Excel precedence, lowest first:
/// comparison, `&`, `+ -`, `* /`, `^` (left-associative), postfix `%`, unary `- +`.
/// Unary minus binds tighter than `^`, so `-2^2` is 4, as in LibreOffice and Excel.
struct FormulaParser {
    /// Bounds the recursion the evaluator will need later, so hostile input cannot exhaust the stack.
    static let maximumDepth = 200

    private static let comparisonSymbols: Set<String> = ["=", "<>", "<", ">", "<=", ">="]
    private static let additiveSymbols: Set<String> = ["+", "-"]
    private static let multiplicativeSymbols: Set<String> = ["*", "/"]
    private static let concatenationSymbols: Set<String> = ["&"]
    private static let powerSymbols: Set<String> = ["^"]
    private static let percentSymbols: Set<String> = ["%"]

    private let tokens: [FormulaToken]
    private var position = 0
    private var depth = 0

    /// Parses the text after the leading `=`.
    static func parse(_ text: String) throws(FormulaError) -> FormulaExpression {
        var parser = FormulaParser(tokens: try FormulaLexer.tokenize(text))
        guard !parser.tokens.isEmpty else { throw .syntax }
        let expression = try parser.parseComparison()
        guard parser.position == parser.tokens.count else { throw .syntax }
        return expression
    }

    private init(tokens: [FormulaToken]) {
        self.tokens = tokens
    }

    private var current: FormulaToken? {
        position < tokens.count ? tokens[position] : nil
    }

    private mutating func takeSymbol(_ candidates: Set<String>) -> String? {
        if case .symbol(let s) = current, candidates.contains(s) {
            position += 1
            return s
        }
        return nil
    }

    private mutating func parseComparison() throws(FormulaError) -> FormulaExpression {
        var left = try parseConcatenation()
        while let s = takeSymbol(Self.comparisonSymbols) {
            left = .binary(BinaryOperator(rawValue: s)!, left, try parseConcatenation())
        }
        return left
    }

    private mutating func parseConcatenation() throws(FormulaError) -> FormulaExpression {
        var left = try parseAdditive()
        while takeSymbol(Self.concatenationSymbols) != nil {
            left = .binary(.concatenate, left, try parseAdditive())
        }
        return left
    }

    private mutating func parseAdditive() throws(FormulaError) -> FormulaExpression {
        var left = try parseMultiplicative()
        while let s = takeSymbol(Self.additiveSymbols) {
            left = .binary(s == "+" ? .add : .subtract, left, try parseMultiplicative())
        }
        return left
    }

    private mutating func parseMultiplicative() throws(FormulaError) -> FormulaExpression {
        var left = try parsePower()
        while let s = takeSymbol(Self.multiplicativeSymbols) {
            left = .binary(s == "*" ? .multiply : .divide, left, try parsePower())
        }
        return left
    }

    private mutating func parsePower() throws(FormulaError) -> FormulaExpression {
        var left = try parsePostfix()
        while takeSymbol(Self.powerSymbols) != nil {
            left = .binary(.power, left, try parsePostfix())
        }
        return left
    }

    private mutating func parsePostfix() throws(FormulaError) -> FormulaExpression {
        var operand = try parseUnary()
        while takeSymbol(Self.percentSymbols) != nil {
            operand = .percent(operand)
        }
        return operand
    }

    private mutating func parseUnary() throws(FormulaError) -> FormulaExpression {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw .syntax }
        if let s = takeSymbol(Self.additiveSymbols) {
            let operand = try parseUnary()
            return s == "-" ? .negate(operand) : .identity(operand)
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws(FormulaError) -> FormulaExpression {
        guard let token = current else { throw .syntax }
        position += 1
        switch token {
        case .number(let n): return .number(n)
        case .text(let t): return .text(t)
        case .error(let e): return .error(e)
        case .cell(let c): return .cell(c)
        case .range(let r): return .range(r)
        case .leftParen:
            let inner = try parseComparison()
            guard current == .rightParen else { throw .syntax }
            position += 1
            return inner
        case .identifier(let word):
            if current == .leftParen {
                position += 1
                return try parseCall(word)
            }
            switch word.uppercased() {
            case "TRUE": return .boolean(true)
            case "FALSE": return .boolean(false)
            default: return .name(word)
            }
        case .symbol, .rightParen, .separator:
            throw .syntax
        }
    }

    private mutating func parseCall(_ word: String) throws(FormulaError) -> FormulaExpression {
        var arguments: [FormulaExpression] = []
        if current == .rightParen {
            position += 1
        } else {
            while true {
                if current == .separator || current == .rightParen {
                    arguments.append(.missing)
                } else {
                    arguments.append(try parseComparison())
                }
                if current == .separator {
                    position += 1
                    continue
                }
                guard current == .rightParen else { throw .syntax }
                position += 1
                break
            }
        }
        let name = FunctionTable.canonicalName(word)
        guard let index = FunctionTable.index(of: name) else { return .unknownFunction(name) }
        let entry = FunctionTable.entries[index]
        guard entry.arity.contains(arguments.count) else { throw .syntax }
        return .call(function: index, arguments: arguments)
    }
}
