/// The number format codes TEXT understands: `0`, `#`, `?`, `.`, `,` (grouping and ÷1000), `%`, `E+00`, `@`,
/// quoted and `\`-escaped literals, up to four `;` sections, `General`, and the date/time codes
/// `y m d h s AM/PM` (with `m` meaning minutes after `h` or before `s`).
struct FormatCode: Sendable {
    private enum Token: Sendable, Hashable {
        case literal(String)
        case digit(Character)
        case point
        case comma
        case percent
        case exponent(alwaysSign: Bool)
        case textPlaceholder
        case dateTime(String)
        case amPm(String)
        case general
    }

    private let sections: [[Token]]

    init(_ code: String) {
        sections = Self.split(code).map(Self.tokenize)
    }

    private static func split(_ code: String) -> [String] {
        var sections: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for ch in code {
            if escaped {
                current.append(ch)
                escaped = false
                continue
            }
            if ch == "\\" { escaped = true }
            if ch == "\"" { quoted.toggle() }
            if ch == ";" && !quoted {
                sections.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        sections.append(current)
        return sections
    }

    private static func tokenize(_ section: String) -> [Token] {
        let chars = Array(section)
        var tokens: [Token] = []
        var i = 0
        func lowered(_ k: Int) -> Character? { k < chars.count ? Character(chars[k].lowercased()) : nil }
        while i < chars.count {
            let ch = chars[i]
            let lower = Character(ch.lowercased())
            if section.count - i >= 5, String(chars[i..<i + 5]).uppercased() == "AM/PM" {
                tokens.append(.amPm("AM/PM"))
                i += 5
                continue
            }
            if section.count - i >= 3, String(chars[i..<i + 3]).uppercased() == "A/P" {
                tokens.append(.amPm("A/P"))
                i += 3
                continue
            }
            if section.count - i >= 7, String(chars[i..<i + 7]).uppercased() == "GENERAL" {
                tokens.append(.general)
                i += 7
                continue
            }
            switch ch {
            case "\"":
                var literal = ""
                i += 1
                while i < chars.count, chars[i] != "\"" {
                    literal.append(chars[i])
                    i += 1
                }
                tokens.append(.literal(literal))
                i += 1
                continue
            case "\\":
                if i + 1 < chars.count { tokens.append(.literal(String(chars[i + 1]))) }
                i += 2
                continue
            case "_":
                tokens.append(.literal(" "))
                i += 2
                continue
            case "*":
                i += 2
                continue
            case "[":
                // Colours and conditions are display-only here.
                while i < chars.count, chars[i] != "]" { i += 1 }
                i += 1
                continue
            case "0", "#", "?": tokens.append(.digit(ch))
            case ".": tokens.append(.point)
            case ",": tokens.append(.comma)
            case "%": tokens.append(.percent)
            case "@": tokens.append(.textPlaceholder)
            default:
                if lower == "e", let sign = i + 1 < chars.count ? chars[i + 1] : nil, sign == "+" || sign == "-" {
                    tokens.append(.exponent(alwaysSign: sign == "+"))
                    i += 2
                    continue
                }
                if "ymdhs".contains(lower) {
                    var run = String(lower)
                    while lowered(i + run.count) == lower { run.append(lower) }
                    tokens.append(.dateTime(run))
                    i += run.count
                    continue
                }
                tokens.append(.literal(String(ch)))
            }
            i += 1
        }
        return tokens
    }

    func format(_ value: FormulaValue) throws(FormulaError) -> String {
        switch value {
        case .error(let e): throw e
        case .text(let t): return formatText(t)
        case .boolean(let b): return b ? "TRUE" : "FALSE"
        case .blank: return try formatNumber(0)
        case .number(let n): return try formatNumber(n)
        }
    }

    private func formatText(_ text: String) -> String {
        let section: [Token]
        if sections.count >= 4 {
            section = sections[3]
        } else if let first = sections.first, first.contains(.textPlaceholder) {
            section = first
        } else {
            return text
        }
        var result = ""
        for token in section {
            switch token {
            case .literal(let l): result += l
            case .textPlaceholder: result += text
            default: break
            }
        }
        return result
    }

    private func formatNumber(_ value: Double) throws(FormulaError) -> String {
        var section = sections[0]
        var number = value
        var showMinus = value < 0
        if value < 0, sections.count >= 2, !sections[1].isEmpty {
            section = sections[1]
            number = -value
            showMinus = false
        } else if value == 0, sections.count >= 3 {
            section = sections[2]
        }
        if section.contains(.textPlaceholder) {
            return formatText(NumberText.standard(value))
        }
        if section.contains(where: { if case .dateTime = $0 { return true }; return false }) {
            return try formatDate(value, section)
        }
        if showMinus { number = -number }
        let body = formatPlainNumber(Swift.abs(number), section)
        return (showMinus && body.nonZero ? "-" : "") + body.text
    }

    private func formatPlainNumber(_ value: Double, _ section: [Token]) -> (text: String, nonZero: Bool) {
        guard let firstDigit = section.firstIndex(where: { if case .digit = $0 { return true }; return false }) else {
            var text = ""
            var nonZero = false
            for token in section {
                switch token {
                case .literal(let l): text += l
                case .general:
                    text += NumberText.display(value)
                    nonZero = value != 0
                case .percent: text += "%"
                default: break
                }
            }
            return (text, nonZero)
        }
        let lastDigit = section.lastIndex(where: { if case .digit = $0 { return true }; return false })!
        var integerPlaces: [Character] = []
        var fractionPlaces: [Character] = []
        var exponentPlaces = 0
        var exponentSign = false
        var hasExponent = false
        var inFraction = false
        var grouping = false
        var percentCount = 0
        var scaleDown = 0
        var prefix = ""
        var suffix = ""
        for (k, token) in section.enumerated() {
            switch token {
            case .digit(let d):
                if hasExponent { exponentPlaces += 1 } else if inFraction { fractionPlaces.append(d) } else { integerPlaces.append(d) }
            case .point: if !hasExponent { inFraction = true }
            case .comma:
                if k > firstDigit && k < lastDigit && !inFraction {
                    grouping = true
                } else if k > lastDigit || (k < section.count - 1 && section[k + 1] == .point) {
                    scaleDown += 1
                }
            case .percent:
                percentCount += 1
                if k < firstDigit { prefix += "%" } else { suffix += "%" }
            case .exponent(let sign):
                hasExponent = true
                exponentSign = sign
            case .literal(let l):
                if k < firstDigit { prefix += l } else { suffix += l }
            case .textPlaceholder, .dateTime, .amPm, .general:
                break
            }
        }
        var scaled = value
        for _ in 0..<percentCount { scaled *= 100 }
        for _ in 0..<scaleDown { scaled /= 1000 }
        var exponentText = ""
        if hasExponent, scaled != 0 {
            let leading = Swift.max(1, integerPlaces.count)
            var exponent = DecimalNumber(scaled).exponent - (leading - 1)
            var mantissa = DecimalNumber(scaled / pow10(exponent)).rounded(decimals: fractionPlaces.count)
            if mantissa.exponent >= leading {
                exponent += 1
                mantissa = DecimalNumber(scaled / pow10(exponent)).rounded(decimals: fractionPlaces.count)
            }
            scaled = mantissa.doubleValue
            let magnitude = String(Swift.abs(exponent))
            let padded = String(repeating: "0", count: Swift.max(0, exponentPlaces - magnitude.count)) + magnitude
            exponentText = "E" + (exponent < 0 ? "-" : (exponentSign ? "+" : "")) + padded
        } else if hasExponent {
            exponentText = "E" + (exponentSign ? "+" : "") + String(repeating: "0", count: Swift.max(1, exponentPlaces))
        }
        let rounded = DecimalNumber(scaled).rounded(decimals: fractionPlaces.count)
        let plain = rounded.plain(fraction: fractionPlaces.count)
        let parts = plain.split(separator: ".", omittingEmptySubsequences: false)
        var integerDigits = String(parts[0])
        var fractionDigits = parts.count > 1 ? Array(parts[1]) : []
        if integerDigits == "0" { integerDigits = "" }
        let required = integerPlaces.filter { $0 == "0" }.count
        let padding = integerPlaces.filter { $0 != "#" }.count
        if integerDigits.count < padding {
            let missing = padding - integerDigits.count
            let zeros = Swift.max(0, required - integerDigits.count)
            integerDigits = String(repeating: " ", count: missing - Swift.min(missing, zeros))
                + String(repeating: "0", count: Swift.min(missing, zeros)) + integerDigits
        }
        if grouping {
            let trimmed = integerDigits.drop(while: { $0 == " " })
            let spaces = String(repeating: " ", count: integerDigits.count - trimmed.count)
            var grouped = ""
            for (k, ch) in trimmed.enumerated() {
                if k > 0 && (trimmed.count - k) % 3 == 0 { grouped.append(",") }
                grouped.append(ch)
            }
            integerDigits = spaces + grouped
        }
        var minimum = fractionPlaces.count
        while minimum > 0, fractionPlaces[minimum - 1] == "#" { minimum -= 1 }
        while fractionDigits.count > minimum, fractionDigits.last == "0" {
            let k = fractionDigits.count - 1
            fractionDigits.removeLast()
            if fractionPlaces[k] == "?" { fractionDigits.append(" ") ; break }
        }
        var text = prefix + integerDigits
        // LibreOffice drops a point with nothing after it ("0.##" shows 3, not "3.").
        if inFraction && (!fractionDigits.isEmpty || minimum > 0) { text += "." + String(fractionDigits) }
        text += exponentText + suffix
        return (text, !rounded.isZero)
    }

    private func pow10(_ exponent: Int) -> Double {
        Double("1e\(exponent)") ?? 1
    }

    private static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August",
                                     "September", "October", "November", "December"]
    private static let dayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    private func formatDate(_ value: Double, _ section: [Token]) throws(FormulaError) -> String {
        guard value >= 0, value <= Double(DateSerial.maximumSerial) else { throw .value }
        var days = Int(value.rounded(.down))
        var seconds = Int(((value - Double(days)) * 86_400).rounded())
        if seconds >= 86_400 {
            days += 1
            seconds -= 86_400
        }
        let date = DateSerial.civil(fromSerial: days)
        let hour = seconds / 3600
        let minute = seconds / 60 % 60
        let second = seconds % 60
        let twelveHour = section.contains { if case .amPm = $0 { return true }; return false }
        let codes = section.enumerated().compactMap { item -> (Int, String)? in
            if case .dateTime(let c) = item.element { return (item.offset, c) }
            return nil
        }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var result = ""
        for (k, token) in section.enumerated() {
            switch token {
            case .literal(let l): result += l
            case .point: result += "."
            case .comma: result += ","
            case .percent: result += "%"
            case .digit(let d): result.append(d)
            case .amPm(let style):
                let pm = hour >= 12
                result += style == "A/P" ? (pm ? "P" : "A") : (pm ? "PM" : "AM")
            case .dateTime(let code):
                let position = codes.firstIndex { $0.0 == k }!
                switch code.first! {
                case "y": result += code.count <= 2 ? two(date.year % 100) : String(date.year)
                case "d":
                    let weekday = (days + 6) % 7
                    switch code.count {
                    case 1: result += String(date.day)
                    case 2: result += two(date.day)
                    case 3: result += String(Self.dayNames[weekday].prefix(3))
                    default: result += Self.dayNames[weekday]
                    }
                case "h":
                    var h = hour
                    if twelveHour {
                        h = hour % 12
                        if h == 0 { h = 12 }
                    }
                    result += code.count >= 2 ? two(h) : String(h)
                case "s": result += code.count >= 2 ? two(second) : String(second)
                default:
                    let afterHour = position > 0 && codes[position - 1].1.first == "h"
                    let beforeSecond = position + 1 < codes.count && codes[position + 1].1.first == "s"
                    if code.count <= 2 && (afterHour || beforeSecond) {
                        result += code.count == 2 ? two(minute) : String(minute)
                    } else {
                        switch code.count {
                        case 1: result += String(date.month)
                        case 2: result += two(date.month)
                        case 3: result += String(Self.monthNames[date.month - 1].prefix(3))
                        case 5: result += String(Self.monthNames[date.month - 1].prefix(1))
                        default: result += Self.monthNames[date.month - 1]
                        }
                    }
                }
            case .exponent, .textPlaceholder, .general:
                break
            }
        }
        return result
    }
}

