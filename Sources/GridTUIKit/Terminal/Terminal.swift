/// The one narrow interface between the app and a terminal. `NcursesTerminal` drives a real
/// one; `MemoryTerminal` keeps the screen in memory for tests. Implementations are safe to
/// call from the input thread (`nextKey`) and the app loop (everything else) at once.
public protocol Terminal: AnyObject, Sendable {
    /// The current size; it changes after a `.resize` key.
    var size: TerminalSize { get }
    /// Whether colours can be shown; without them the renderer uses bold, reverse and underline.
    var hasColors: Bool { get }
    /// Shows the buffer; only what changed since the last draw needs to reach the terminal.
    func draw(_ buffer: ScreenBuffer)
    /// The next key, waiting at most `timeout` milliseconds; nil when none came.
    func nextKey(timeout: Int) -> Key?
    func bell()
    /// Puts text on the system clipboard where the terminal allows it (OSC 52).
    func copyToClipboard(_ text: String)
    /// Gives the terminal back as it was; later calls do nothing.
    func restore()
}
