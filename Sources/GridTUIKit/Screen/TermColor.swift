/// The eight basic terminal colours, numbered as curses numbers them (COLOR_BLACK = 0 …).
public enum TermColor: Int, Hashable, Sendable, CaseIterable {
    case black = 0, red, green, yellow, blue, magenta, cyan, white
}
