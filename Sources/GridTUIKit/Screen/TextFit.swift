/// Fits text into a fixed number of columns: cut with a marker when too long, padded when short.
public enum TextFit {
    /// Visible text at most `width` columns wide; when it had to be cut, it ends with `marker`.
    /// A wide grapheme that would cross the cut is replaced by a space.
    public static func truncate(_ text: String, to width: Int, marker: String) -> String {
        guard width > 0 else { return "" }
        let visible = Sanitizer.visible(text)
        if DisplayWidth.of(visible) <= width { return visible }
        let markerWidth = DisplayWidth.of(marker)
        guard width > markerWidth else { return String(repeating: " ", count: width - markerWidth) + marker }
        var result = ""
        var used = 0
        let room = width - markerWidth
        for character in visible {
            let columns = DisplayWidth.of(character)
            if used + columns > room {
                result += String(repeating: " ", count: room - used)
                used = room
                break
            }
            result.append(character)
            used += columns
        }
        return result + marker
    }

    /// `truncate`, then padded with spaces to exactly `width` columns, on the left when
    /// `alignRight` (numbers) and on the right otherwise.
    public static func fit(_ text: String, to width: Int, marker: String, alignRight: Bool = false) -> String {
        let cut = truncate(text, to: width, marker: marker)
        let padding = String(repeating: " ", count: max(0, width - DisplayWidth.of(cut)))
        return alignRight ? padding + cut : cut + padding
    }
}
