/// What typed text means, by CollabGrid's rules for typed input (GridFormula's `TypedInput`):
/// a leading `'` forces text; TRUE/FALSE in any case; a plain number (spaces around, sign, exponent,
/// trailing `%`); an ISO date `yyyy-mm-dd`, time `hh:mm[:ss]` or both; anything else is text.
/// Export uses it to give XLSX cells their type and format; import uses it to know when text read
/// from a file needs a `'` so that typing it back keeps it text.
enum TypedValue: Sendable, Hashable {
    case text(String, forced: Bool)
    case boolean(Bool)
    case number(Double, style: XLSXStyles.ExportStyle)

    init(typed raw: String) {
        if raw.hasPrefix("'") {
            self = .text(String(raw.dropFirst()), forced: true)
            return
        }
        let bytes = Self.trimmed(Array(raw.utf8))
        if bytes.count == 4 || bytes.count == 5, raw.utf8.count == bytes.count {
            switch raw.uppercased() {
            case "TRUE": self = .boolean(true); return
            case "FALSE": self = .boolean(false); return
            default: break
            }
        }
        if let (value, style) = Self.plainNumber(bytes) {
            self = .number(value, style: style)
        } else if let (value, style) = Self.dateTime(bytes) {
            self = .number(value, style: style)
        } else {
            self = .text(raw, forced: false)
        }
    }

    /// Whether `text`, a text value, must be typed with a leading `'` to stay text.
    static func needsApostrophe(_ text: String) -> Bool {
        if text.hasPrefix("=") { return true }
        if case .text(_, forced: false) = TypedValue(typed: text) { return false }
        return true
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    private static func trimmed(_ bytes: [UInt8]) -> [UInt8] {
        var end = bytes.count
        while end > 0, bytes[end - 1] == 32 || bytes[end - 1] == 9 { end -= 1 }
        var start = 0
        while start < end, bytes[start] == 32 || bytes[start] == 9 { start += 1 }
        return Array(bytes[start..<end])
    }

    private static func plainNumber(_ input: [UInt8]) -> (Double, XLSXStyles.ExportStyle)? {
        var bytes = input
        var style = XLSXStyles.ExportStyle.general
        var scale = 1.0
        if bytes.last == UInt8(ascii: "%") {
            bytes.removeLast()
            while bytes.last == 32 { bytes.removeLast() }
            scale = 0.01
            style = bytes.contains(UInt8(ascii: ".")) ? .percentDecimals : .percent
        }
        var i = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
        var mantissaDigits = 0
        while i < bytes.count, isDigit(bytes[i]) {
            i += 1
            mantissaDigits += 1
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < bytes.count, isDigit(bytes[i]) {
                i += 1
                mantissaDigits += 1
            }
        }
        guard mantissaDigits > 0 else { return nil }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            var exponentDigits = 0
            while i < bytes.count, isDigit(bytes[i]) {
                i += 1
                exponentDigits += 1
            }
            guard exponentDigits > 0 else { return nil }
        }
        guard i == bytes.count, let value = Double(String(decoding: bytes, as: UTF8.self)) else { return nil }
        let scaled = value * scale
        return scaled.isFinite ? (scaled, style) : nil
    }

    private static func dateTime(_ bytes: [UInt8]) -> (Double, XLSXStyles.ExportStyle)? {
        guard !bytes.isEmpty else { return nil }
        if let split = bytes.firstIndex(where: { $0 == 32 || $0 == UInt8(ascii: "T") }) {
            guard let date = isoDate(Array(bytes[..<split])), let time = time(Array(bytes[(split + 1)...])) else { return nil }
            return (date + time, .dateTime)
        }
        if let date = isoDate(bytes) { return (date, .date) }
        if let time = time(bytes) { return (time, .time) }
        return nil
    }

    private static func fields(_ bytes: [UInt8], separator: UInt8) -> [Int]? {
        var result: [Int] = []
        var current = 0
        var digits = 0
        for b in bytes {
            if b == separator {
                guard digits > 0 else { return nil }
                result.append(current)
                current = 0
                digits = 0
            } else if isDigit(b), digits < 6 {
                current = current * 10 + Int(b - 48)
                digits += 1
            } else {
                return nil
            }
        }
        guard digits > 0 else { return nil }
        result.append(current)
        return result
    }

    private static func isoDate(_ bytes: [UInt8]) -> Double? {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"),
              let parts = fields(bytes, separator: UInt8(ascii: "-")), parts.count == 3 else { return nil }
        let (year, month, day) = (parts[0], parts[1], parts[2])
        guard (1...12).contains(month), day >= 1, day <= DateText.daysInMonth(year: year, month: month) else { return nil }
        return Double(DateText.serial(year: year, month: month, day: day))
    }

    private static func time(_ bytes: [UInt8]) -> Double? {
        guard let parts = fields(bytes, separator: UInt8(ascii: ":")), (2...3).contains(parts.count),
              parts[0] < 24, parts[1] < 60, parts.count == 2 || parts[2] < 60 else { return nil }
        let seconds = parts[0] * 3600 + parts[1] * 60 + (parts.count == 3 ? parts[2] : 0)
        return Double(seconds) / 86_400
    }
}
