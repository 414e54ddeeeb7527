/// The keys one binding matches: one key, or any printable character (typing into a prompt).
public enum KeyPattern: Hashable, Sendable {
    case key(Key)
    case printable
    /// Text pasted by the terminal.
    case pasted

    public static func char(_ character: Character) -> KeyPattern { .key(.character(character)) }

    public func matches(_ key: Key) -> Bool {
        switch self {
        case .key(let bound): return bound == key
        case .pasted:
            if case .paste = key { return true }
            return false
        case .printable:
            guard case .character(let character) = key else { return false }
            return !character.unicodeScalars.contains(where: Sanitizer.needsEscape)
        }
    }

    public var label: String {
        switch self {
        case .key(let key): key.label
        case .printable: "text"
        case .pasted: "paste"
        }
    }
}
