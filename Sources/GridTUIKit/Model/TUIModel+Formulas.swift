import GridFormula
import Shared

/// What a grid cell shows, with the marks that go with it.
public struct ShownCell: Hashable, Sendable {
    public var text: String
    /// The cell, or a cell its formula depends on, holds an own edit the server has not answered.
    public var isPending: Bool
    public var isNumber: Bool
    public var isError: Bool
    /// A formula here depends on a contested cell.
    public var dependsOnContested: Bool
}

/// Computed values on screen: formulas show their results (or, with `F`, the formulas).
extension TUIModel {
    public func shownCell(_ address: CellAddress) -> ShownCell {
        let typed = displayedValue(of: address.description)
        if showFormulas {
            return ShownCell(text: typed.value ?? "", isPending: typed.isPending, isNumber: false, isError: false, dependsOnContested: false)
        }
        let isError: Bool
        if case .error = computed.sheet.value(address) { isError = true } else { isError = false }
        return ShownCell(
            text: computed.displayText(address),
            isPending: typed.isPending || computed.pendingDependents.contains(address),
            isNumber: computed.sheet.isNumeric(address), isError: isError,
            dependsOnContested: computed.contestedDependents.contains(address)
        )
    }

    /// The ranges the formula being typed refers to, highlighted in the grid while editing.
    var editedFormulaReferences: [FormulaRange] {
        guard case .edit(let session) = mode, session.editor.text.hasPrefix("=") else { return [] }
        return FormulaSheet.references(in: session.editor.text)
    }
}
