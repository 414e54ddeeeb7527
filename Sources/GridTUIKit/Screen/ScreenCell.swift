/// One column of one screen row: a grapheme (one or two columns wide) and its style. The second
/// column of a wide grapheme holds an empty `text`, so that every row has exactly one cell per
/// terminal column.
public struct ScreenCell: Hashable, Sendable {
    public var text: String
    public var style: TextStyle

    public init(text: String = " ", style: TextStyle = .plain) {
        self.text = text
        self.style = style
    }

    /// The right half of a wide grapheme drawn in the column before.
    public var isContinuation: Bool { text.isEmpty }

    public static let blank = ScreenCell()
}
