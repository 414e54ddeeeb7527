/// The error values a cell can hold. Raw values are what the grid shows.
public enum FormulaError: String, Error, Sendable, Hashable, CaseIterable {
    case div0 = "#DIV/0!"
    case value = "#VALUE!"
    case ref = "#REF!"
    case name = "#NAME?"
    case na = "#N/A"
    case num = "#NUM!"
    /// Every cell on a circular reference (LibreOffice shows Err:522).
    case cycle = "#CYCLE!"
    /// Written by users as a literal only; no function produces it.
    case null = "#NULL!"
    /// The formula text does not parse. LibreOffice refuses such input; CollabGrid keeps the text.
    case syntax = "#ERROR!"

    /// Parses an error literal as written inside a formula (`=#N/A`), case-insensitive.
    init?(literal: String) {
        guard let match = Self.allCases.first(where: { $0.rawValue.uppercased() == literal.uppercased() }) else {
            return nil
        }
        self = match
    }
}
