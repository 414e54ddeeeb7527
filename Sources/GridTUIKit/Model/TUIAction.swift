/// Everything a key can do; the key table maps keys to these, `TUIModel.perform` does them.
public enum TUIAction: Hashable, Sendable {
    // Grid
    case moveUp, moveDown, moveLeft, moveRight, pageUp, pageDown, firstColumn, lastColumn
    case edit, editNew, editFormula, clear, undo, narrowColumn, widenColumn, toggleFormulas
    // Ranges
    case toggleSelection, extendUp, extendDown, extendLeft, extendRight, clearSelection
    case copy, cut, paste, fillDown, fillRight, pasteText, commandLine
    // Command line
    case commandOlder, commandNewer, commandComplete
    // Anywhere
    case gotoCell, search, searchNext, focusNext, focusPrevious, toggleUsers, toggleHistory, help, quit, backToGrid
    // Panels
    case selectPrevious, selectNext, selectPageUp, selectPageDown, selectFirst, selectLast, jump, expandEntry
    // Line editor
    case editorLeft, editorRight, editorStart, editorEnd, editorBackspace, editorDelete, editorInsert, editorCommit, editorCancel
    // Conflict dialog
    case keepTheirs, writeMineAgain, editMine, decideLater
    // Questions
    case confirmYes, confirmNo
    // Help
    case helpUp, helpDown, helpPageUp, helpPageDown, closeHelp
}
