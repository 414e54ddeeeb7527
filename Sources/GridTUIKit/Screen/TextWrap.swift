/// Breaks text into lines of at most `width` display columns at spaces (inside a word only when
/// the word alone is too long), keeping at most `maxLines` lines; the last one kept ends with
/// the marker when text was left over.
public enum TextWrap {
    public static func wrap(_ text: String, width: Int, maxLines: Int, marker: String) -> [String] {
        guard width > 0, maxLines > 0 else { return [] }
        var lines: [String] = []
        var line = ""
        var lineWidth = 0
        for word in Sanitizer.visible(text).split(separator: " ", omittingEmptySubsequences: true) {
            var piece = String(word)
            var pieceWidth = DisplayWidth.of(piece)
            if lineWidth > 0 && lineWidth + 1 + pieceWidth <= width {
                line += " " + piece
                lineWidth += 1 + pieceWidth
                continue
            }
            if lineWidth > 0 {
                lines.append(line)
                line = ""
                lineWidth = 0
            }
            while pieceWidth > width {
                var head = ""
                var headWidth = 0
                var rest = Substring(piece)
                while let next = rest.first, headWidth + DisplayWidth.of(next) <= width {
                    head.append(next)
                    headWidth += DisplayWidth.of(next)
                    rest = rest.dropFirst()
                }
                if head.isEmpty { break }
                lines.append(head)
                piece = String(rest)
                pieceWidth = DisplayWidth.of(piece)
            }
            line = piece
            lineWidth = pieceWidth
        }
        if lineWidth > 0 { lines.append(line) }
        guard lines.count > maxLines else { return lines }
        var kept = Array(lines.prefix(maxLines))
        kept[maxLines - 1] = TextFit.truncate(kept[maxLines - 1] + " " + lines[maxLines], to: width, marker: marker)
        return kept
    }
}
