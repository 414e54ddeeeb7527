import Shared

/// What the model wants done after a key or a client update; the app loop performs it. The
/// model itself does no I/O.
public enum TUIEffect: Hashable, Sendable {
    /// Frames to hand to the transport now: edits made, edits released or resent.
    case send([ClientMessage])
    /// This user's cursor and editing cell changed; the app throttles presence updates.
    case presence(cursor: String?, editing: String?, selection: String? = nil)
    /// Put text on the system clipboard (OSC 52).
    case clipboard(String)
    /// Read a file for `:import`; the app hands the result to `importLoaded`.
    case importFile(ScriptCommand.FileImport)
    /// Write the grid for `:export`; the app reports to `fileDone`.
    case exportFile(ScriptCommand.FileExport)
    /// List a directory for Tab completion; the app hands the names to `completeCommand(files:)`.
    case listDirectory(String)
    /// Load one page of history: with `before`, the newest entries before it (nil: the newest of
    /// all); with `after`, the oldest entries after it (filling a gap left by a reconnect).
    case loadHistory(before: Version?, after: Version? = nil)
    case bell
    case quit
}
