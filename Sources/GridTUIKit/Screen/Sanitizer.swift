/// Makes text from other people safe to draw. Cell values, user names and server messages may
/// hold control characters; sent to the terminal as they are, ESC and C1 controls start escape
/// sequences that can clear the screen, move the cursor, retitle the window or write the
/// clipboard (OSC 52). Every text draw goes through `visible(_:)`, which shows such characters
/// as printable notation instead: C0 controls and DEL in caret notation (`^[` for ESC, `^G` for
/// BEL, `^?` for DEL), C1 controls as `<9B>`, and bidirectional overrides and line separators,
/// which reorder or break what follows them, as `<U+202E>`. The stored value is never changed.
public enum Sanitizer {
    public static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                result.append(scalar)
                continue
            }
            result.append(contentsOf: notation(for: scalar).unicodeScalars)
        }
        return String(result)
    }

    /// Whether a scalar must not reach the terminal as it is.
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    static func notation(for scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x00...0x1F: "^" + String(Character(Unicode.Scalar(UInt8(scalar.value) + 0x40)))
        case 0x7F: "^?"
        case 0x80...0x9F: "<" + hex(scalar.value, digits: 2) + ">"
        default: "<U+" + hex(scalar.value, digits: 4) + ">"
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
