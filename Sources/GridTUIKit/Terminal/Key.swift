/// One key press, as the model sees it, whatever terminal library read it.
public enum Key: Hashable, Sendable {
    case character(Character)
    case up, down, left, right
    /// Shift with an arrow: extends the selection.
    case shiftUp, shiftDown, shiftLeft, shiftRight
    /// A letter typed with Ctrl, as its lowercase letter (Ctrl-D is `control("d")`); Ctrl-H, -I,
    /// -J and -M arrive as Backspace, Tab and Enter.
    case control(Character)
    /// Text the terminal pasted (bracketed paste), whole.
    case paste(String)
    case pageUp, pageDown, home, end
    case enter, escape, backspace, delete, tab, backTab
    case function(Int)
    /// The terminal changed size.
    case resize
    /// A key code with no meaning here.
    case unknown(Int32)

    /// Keys for each character of `text`, for tests and scripted input.
    public static func typing(_ text: String) -> [Key] {
        text.map { .character($0) }
    }

    /// How the help screen names the key.
    public var label: String {
        switch self {
        case .character(" "): "Space"
        case .character(let character): String(character)
        case .up: "Up"
        case .down: "Down"
        case .left: "Left"
        case .right: "Right"
        case .shiftUp: "Shift-Up"
        case .shiftDown: "Shift-Down"
        case .shiftLeft: "Shift-Left"
        case .shiftRight: "Shift-Right"
        case .control(let letter): "Ctrl-" + letter.uppercased()
        case .paste: "paste"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .enter: "Enter"
        case .escape: "Esc"
        case .backspace: "Backspace"
        case .delete: "Del"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .function(let number): "F\(number)"
        case .resize: "resize"
        case .unknown(let code): "key \(code)"
        }
    }
}
