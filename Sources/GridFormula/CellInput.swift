/// What the user typed into one cell, already interpreted.
struct CellInput: Sendable {
    enum Content: Sendable {
        case literal(FormulaValue, TypedInput.Kind)
        case formula(FormulaCell)
    }

    let raw: String
    let content: Content

    init(raw: String) {
        self.raw = raw
        if raw.hasPrefix("=") {
            content = .formula(FormulaCell(text: raw))
        } else {
            let typed = TypedInput.read(raw)
            content = .literal(typed.value, typed.kind)
        }
    }

    var formula: FormulaCell? {
        if case .formula(let f) = content { return f }
        return nil
    }
}
