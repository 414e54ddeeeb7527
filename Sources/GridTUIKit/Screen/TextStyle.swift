/// How one screen cell looks. Colours are nil for the terminal's default; on terminals without
/// colours the renderer uses only the attributes, so the terminal ignores the colours there.
public struct TextStyle: Hashable, Sendable {
    public var foreground: TermColor?
    public var background: TermColor?
    public var bold = false
    public var reverse = false
    public var underline = false
    public var dim = false

    public init(
        foreground: TermColor? = nil, background: TermColor? = nil,
        bold: Bool = false, reverse: Bool = false, underline: Bool = false, dim: Bool = false
    ) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.reverse = reverse
        self.underline = underline
        self.dim = dim
    }

    public static let plain = TextStyle()

    /// The same style with `bold` set as given.
    public func with(bold: Bool) -> TextStyle {
        var style = self
        style.bold = bold
        return style
    }
}
