import Foundation

/// What the terminal can show and how times are written; fixed for a run.
public struct TUIOptions: Hashable, Sendable {
    /// Colours available; without them styles use bold, reverse and underline only.
    public var colors: Bool
    /// Only ASCII decorations (vt100 and similar terminals); user text is still shown as it is.
    public var ascii: Bool
    /// Times in history and the status bar are written in this zone.
    public var timeZone: TimeZone

    public init(colors: Bool = true, ascii: Bool = false, timeZone: TimeZone = .current) {
        self.colors = colors
        self.ascii = ascii
        self.timeZone = timeZone
    }

    public var glyphs: Glyphs { ascii ? .ascii : .unicode }
}
