/// The decoration characters the screen uses, in a Unicode set and an ASCII-only set for
/// terminals such as vt100 that cannot show box drawing or symbols.
public struct Glyphs: Hashable, Sendable {
    /// Ends a value cut short to fit.
    public var ellipsis: String
    public var vertical: String
    public var horizontal: String
    /// Marks a cell someone is editing.
    public var editing: String
    /// Marks a contested cell.
    public var contested: String
    public var bullet: String
    public var arrow: String
    public var up: String
    public var cross: String

    public static let unicode = Glyphs(
        ellipsis: "…", vertical: "│", horizontal: "─", editing: "✎", contested: "!", bullet: "●", arrow: "→", up: "↑", cross: "✖"
    )
    public static let ascii = Glyphs(
        ellipsis: ">", vertical: "|", horizontal: "-", editing: "*", contested: "!", bullet: "*", arrow: "->", up: "^", cross: "X"
    )
}
