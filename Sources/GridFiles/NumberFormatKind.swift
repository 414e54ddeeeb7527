import Foundation

/// What a number format shows a number as. Import turns dates and times back into the ISO text
/// CollabGrid reads as a date serial; everything else stays a number.
enum NumberFormatKind: Sendable, Hashable {
    case number, date, time, dateTime
    /// Elapsed time (`[h]:mm`): may pass 24 hours, so it is not a time of day.
    case duration

    /// Built-in formats (ECMA-376 part 1, 18.8.30), including the East Asian date ids 27–36 and 50–58.
    init(builtInID id: Int) {
        switch id {
        case 14...17, 27...31, 34...36, 50...58: self = .date
        case 18...21, 32, 33, 45, 47: self = .time
        case 22: self = .dateTime
        case 46: self = .duration
        default: self = .number
        }
    }

    /// Reads a format code's first section, ignoring quoted text, escaped characters and bracketed
    /// colors or locales: y, d or e (era year) make a date, h or s or AM/PM a time, and a lone m
    /// (no hours or seconds beside it) is a month.
    init(formatCode: String) {
        var section = formatCode.lowercased()
        if let end = section.firstIndex(of: ";") { section = String(section[..<end]) }
        var hasTime = section.contains("am/pm") || section.contains("a/p")
        for word in ["general", "am/pm", "a/p"] { section = section.replacingOccurrences(of: word, with: " ") }
        var hasDate = false
        var hasElapsed = false
        var hasM = false
        let chars = Array(section)
        var i = 0
        while i < chars.count {
            switch chars[i] {
            case "\"":
                i += 1
                while i < chars.count, chars[i] != "\"" { i += 1 }
            case "\\", "_", "*":
                i += 1
            case "[":
                var inside = ""
                i += 1
                while i < chars.count, chars[i] != "]" {
                    inside.append(chars[i])
                    i += 1
                }
                if !inside.isEmpty, inside.allSatisfy({ $0 == "h" || $0 == "m" || $0 == "s" }) { hasElapsed = true }
            case "e" where i + 1 < chars.count && (chars[i + 1] == "+" || chars[i + 1] == "-"):
                // Scientific notation (0.00E+00), not an era year.
                i += 1
            case "y", "d", "e":
                hasDate = true
            case "h", "s":
                hasTime = true
            case "m":
                hasM = true
            default:
                break
            }
            i += 1
        }
        if hasElapsed {
            self = .duration
        } else if hasDate {
            self = hasTime ? .dateTime : .date
        } else if hasTime {
            self = .time
        } else {
            self = hasM ? .date : .number
        }
    }
}
