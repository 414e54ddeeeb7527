/// The shared string table export builds: each distinct text once, in first-use order.
struct SharedStringTable: Sendable {
    private(set) var values: [String] = []
    private var indices: [String: Int] = [:]
    private var uses = 0

    mutating func index(of text: String) -> Int {
        uses += 1
        if let index = indices[text] { return index }
        indices[text] = values.count
        values.append(text)
        return values.count - 1
    }

    func xml() -> XMLBuffer {
        var buffer = XMLBuffer(capacity: values.count * 24 + 256)
        buffer.append("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n")
        buffer.append("<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"")
        buffer.append(uses)
        buffer.append("\" uniqueCount=\"")
        buffer.append(values.count)
        buffer.append("\">")
        for value in values {
            // Leading or trailing spaces and line breaks survive only with xml:space="preserve".
            let edges = [value.unicodeScalars.first, value.unicodeScalars.last].compactMap { $0 }
            if edges.contains(where: { $0.properties.isWhitespace }) {
                buffer.append("<si><t xml:space=\"preserve\">")
            } else {
                buffer.append("<si><t>")
            }
            buffer.appendText(value)
            buffer.append("</t></si>")
        }
        buffer.append("</sst>")
        return buffer
    }
}
