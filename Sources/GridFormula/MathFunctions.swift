import Foundation

/// Arithmetic and rounding functions.
enum MathFunctions {
    static func sum(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        var total = 0.0
        try Aggregation.forEachNumber(args) { total += $0 }
        return .number(total)
    }

    static func product(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        var result = 1.0
        var any = false
        try Aggregation.forEachNumber(args) {
            result *= $0
            any = true
        }
        return .number(any ? result : 0)
    }

    static func power(_ base: Double, _ exponent: Double) -> FormulaValue {
        if base == 0 && exponent < 0 { return .error(.num) }
        if base < 0 && exponent != exponent.rounded() {
            // An odd root of a negative number is real: (-8)^(1/3) is -2, as in LibreOffice.
            let root = 1 / exponent
            guard root == root.rounded(), Int(exactly: root).map({ $0 % 2 != 0 }) == true else { return .error(.num) }
            return .checked(-Foundation.pow(-base, exponent))
        }
        return .checked(Foundation.pow(base, exponent))
    }

    static func powerFunction(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        .value(power(try args.number(0), try args.number(1)))
    }

    private static func round(_ args: FunctionArguments, _ mode: DecimalNumber.Rounding) throws(FormulaError) -> Operand {
        let x = try args.number(0)
        let digits = try args.integer(1, default: 0)
        guard digits.magnitude < 400 else { return .number(digits > 0 ? x : 0) }
        // Like LibreOffice, first drop the binary noise beyond 15 digits, so ROUNDUP(0.1+0.2, 1) is 0.3.
        return .number(DecimalNumber(x).rounded(significant: 15).rounded(decimals: digits, mode).doubleValue)
    }

    static func round(_ args: FunctionArguments) throws(FormulaError) -> Operand { try round(args, .halfUp) }
    static func roundUp(_ args: FunctionArguments) throws(FormulaError) -> Operand { try round(args, .up) }
    static func roundDown(_ args: FunctionArguments) throws(FormulaError) -> Operand { try round(args, .down) }

    static func int(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        .number(Foundation.floor(try args.number(0)))
    }

    static func mod(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let a = try args.number(0)
        let b = try args.number(1)
        guard b != 0 else { throw .div0 }
        let r = a - b * Foundation.floor(a / b)
        // Rounding error can leave r a hair outside [0, b); snap it like LibreOffice's approxSub.
        if (r - b).magnitude <= b.magnitude * 1e-15 { return .number(0) }
        return .number(r)
    }

    static func abs(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        .number(Swift.abs(try args.number(0)))
    }

    static func sqrt(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let x = try args.number(0)
        guard x >= 0 else { throw .num }
        return .number(x.squareRoot())
    }

    static func sumProduct(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        var matrices: [ValueMatrix] = []
        for i in 0..<args.count {
            let m = args.evaluator.matrix(args.operand(i))
            if let first = matrices.first, first.rows != m.rows || first.columns != m.columns { throw .value }
            matrices.append(m)
        }
        guard let first = matrices.first else { throw .value }
        var total = 0.0
        for k in 0..<first.values.count {
            var term = 1.0
            for m in matrices {
                switch m.values[k] {
                case .number(let n): term *= n
                case .error(let e): throw e
                case .text, .blank, .boolean: term = 0
                }
            }
            total += term
        }
        return .number(total)
    }
}
