import Shared

/// One line of a headless script.
public enum ScriptCommand: Hashable, Sendable {
    case set(cell: String, value: String)
    case clear(cell: String)
    case resolve(cell: String)
    case sleep(milliseconds: Int)
    case wait(cell: String, value: String, timeoutMilliseconds: Int)
    case expect(cell: String, value: String)
    case dump
    case users
    case history(count: Int)
    /// Waits until every own edit is answered and this client has seen the whole log as of now.
    case sync(timeoutMilliseconds: Int)
    /// Waits until every own edit is stored in MySQL (the durable watermark passed it).
    case settle(timeoutMilliseconds: Int)
    case echo(String)
    case quit

    public static let defaultWaitMilliseconds = 10_000

    /// Parses one line; nil for blank lines and `#` comments.
    public static func parse(_ line: Substring) throws(ProtocolError) -> ScriptCommand? {
        let trimmedLeading = line.drop(while: { $0 == " " || $0 == "\t" })
        if trimmedLeading.isEmpty || trimmedLeading.hasPrefix("#") { return nil }
        let words = trimmedLeading.split(separator: " ", omittingEmptySubsequences: true)
        let name = words[0]
        /// Everything after the first `count` words, spaces included (cell values).
        func rest(after count: Int) -> String {
            var remainder = trimmedLeading[...]
            for _ in 0..<count {
                remainder = remainder.drop(while: { $0 == " " })
                remainder = remainder.drop(while: { $0 != " " })
            }
            return String(remainder.dropFirst())
        }
        func cell(_ index: Int) throws(ProtocolError) -> String {
            guard words.count > index else { throw ProtocolError(.badField, "'\(name)' needs a cell such as A1") }
            guard let address = CellAddress(words[index]) else {
                throw ProtocolError(.badCell, "'\(words[index])' is not a cell between A1 and XFD1048576")
            }
            return address.description
        }
        func number(_ index: Int, _ what: String) throws(ProtocolError) -> Int {
            guard words.count > index, let value = Int(words[index]), value >= 0 else {
                throw ProtocolError(.badField, "'\(name)' needs \(what) as a whole number")
            }
            return value
        }
        switch name {
        case "set": return .set(cell: try cell(1), value: rest(after: 2))
        case "clear": return .clear(cell: try cell(1))
        case "resolve": return .resolve(cell: try cell(1))
        case "sleep": return .sleep(milliseconds: try number(1, "milliseconds"))
        case "wait":
            let target = try cell(1)
            if words.count >= 4, let timeout = Int(words[words.count - 1]), timeout >= 0 {
                return .wait(cell: target, value: words[2..<(words.count - 1)].joined(separator: " "), timeoutMilliseconds: timeout)
            }
            return .wait(cell: target, value: rest(after: 2), timeoutMilliseconds: defaultWaitMilliseconds)
        case "expect": return .expect(cell: try cell(1), value: rest(after: 2))
        case "dump": return .dump
        case "users": return .users
        case "history": return .history(count: try number(1, "a count"))
        case "sync": return .sync(timeoutMilliseconds: words.count > 1 ? try number(1, "milliseconds") : defaultWaitMilliseconds)
        case "settle": return .settle(timeoutMilliseconds: words.count > 1 ? try number(1, "milliseconds") : defaultWaitMilliseconds)
        case "echo": return .echo(rest(after: 1))
        case "quit": return .quit
        default:
            throw ProtocolError(.unknownType, "unknown command '\(name)'; commands: set clear resolve sleep wait expect dump users history sync settle echo quit")
        }
    }
}
