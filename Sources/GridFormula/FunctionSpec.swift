/// One row of the function table: how a function is called and what it computes.
struct FunctionSpec: Sendable {
    /// How an argument is handed to the implementation.
    enum Parameter: Sendable, Hashable {
        /// One value; a range reduces by implicit intersection. Lifted element-wise inside array contexts.
        case scalar
        /// Must be a reference (SUMIF's range, COUNTBLANK); anything else is `#VALUE!`.
        case reference
        /// A scalar, reference or array, kept whole (aggregates, lookup tables, CONCAT).
        case values
        /// Evaluated in array context, so `A1:A5*B1:B5` is element-wise (SUMPRODUCT).
        case array
        /// Evaluated only if the implementation asks for it (IF's branches, IFERROR's fallback).
        case lazy
    }

    typealias Body = @Sendable (FunctionArguments) throws(FormulaError) -> Operand

    let name: String
    let arity: ClosedRange<Int>
    /// Kinds of the leading parameters; the last kind repeats for the rest.
    let parameters: [Parameter]
    /// Depends on the clock (TODAY, NOW).
    let isVolatile: Bool
    let body: Body

    init(_ name: String, _ arity: ClosedRange<Int>, _ parameters: [Parameter], volatile: Bool = false, _ body: @escaping Body) {
        self.name = name
        self.arity = arity
        self.parameters = parameters
        self.isVolatile = volatile
        self.body = body
    }

    func parameter(at index: Int) -> Parameter {
        parameters.isEmpty ? .scalar : parameters[min(index, parameters.count - 1)]
    }

    /// Functions whose every argument is a plain value run once per element when handed arrays in array context.
    var liftsOverArrays: Bool {
        !parameters.isEmpty && parameters.allSatisfy { $0 == .scalar }
    }
}
