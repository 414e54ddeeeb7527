/// How typed (non-formula) text reads, and how text inside formulas converts to a number.
enum TypedInput {
    enum Kind: Sendable, Hashable {
        case plain
        /// A date or time typed as text; shown as typed.
        case dateTime
        /// A number typed with `%`; shown as a percentage.
        case percent
        /// A leading `'` forced text; the apostrophe is not shown.
        case forcedText
    }

    static func read(_ raw: String) -> (value: FormulaValue, kind: Kind) {
        if raw.hasPrefix("'") { return (.text(String(raw.dropFirst())), .forcedText) }
        let length = raw.utf8.count
        if length == 4 || length == 5 {
            switch raw.uppercased() {
            case "TRUE": return (.boolean(true), .plain)
            case "FALSE": return (.boolean(false), .plain)
            default: break
            }
        }
        if let n = plainNumber(raw) { return (.checked(n), raw.utf8.contains(UInt8(ascii: "%")) ? .percent : .plain) }
        if let n = dateTime(raw) { return (.number(n), .dateTime) }
        return (.text(raw), .plain)
    }

    /// Text that LibreOffice converts "unambiguously": a plain number (spaces around, sign,
    /// exponent, trailing %) or an ISO 8601 date / time.
    static func number(from text: String) -> Double? {
        plainNumber(text) ?? dateTime(text)
    }

    static func trimmedText(_ text: String) -> String {
        String(decoding: trimmed(text), as: UTF8.self)
    }

    private static func trimmed(_ text: String) -> [UInt8] {
        var bytes = Array(text.utf8)
        while let last = bytes.last, last == 32 || last == 9 { bytes.removeLast() }
        var start = 0
        while start < bytes.count, bytes[start] == 32 || bytes[start] == 9 { start += 1 }
        return Array(bytes[start...])
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    static func plainNumber(_ text: String) -> Double? {
        var bytes = trimmed(text)
        var scale = 1.0
        if bytes.last == UInt8(ascii: "%") {
            bytes.removeLast()
            while let last = bytes.last, last == 32 { bytes.removeLast() }
            scale = 0.01
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
        return scaled.isFinite ? scaled : nil
    }

    /// `yyyy-mm-dd`, `hh:mm`, `hh:mm:ss` and `yyyy-mm-dd hh:mm[:ss]` (also with `T`).
    static func dateTime(_ text: String) -> Double? {
        let bytes = trimmed(text)
        guard !bytes.isEmpty else { return nil }
        if let splitAt = bytes.firstIndex(where: { $0 == 32 || $0 == UInt8(ascii: "T") }) {
            guard let date = isoDate(Array(bytes[..<splitAt])),
                  let time = time(Array(bytes[(splitAt + 1)...])) else { return nil }
            return date + time
        }
        return isoDate(bytes) ?? time(bytes)
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
        guard (1...12).contains(month), day >= 1, day <= DateSerial.daysInMonth(year: year, month: month) else {
            return nil
        }
        return Double(DateSerial.serial(year: year, month: month, day: day))
    }

    private static func time(_ bytes: [UInt8]) -> Double? {
        guard let parts = fields(bytes, separator: UInt8(ascii: ":")), (2...3).contains(parts.count),
              parts[0] < 24, parts[1] < 60, parts.count == 2 || parts[2] < 60 else { return nil }
        let seconds = parts[0] * 3600 + parts[1] * 60 + (parts.count == 3 ? parts[2] : 0)
        return Double(seconds) / 86_400
    }
}
