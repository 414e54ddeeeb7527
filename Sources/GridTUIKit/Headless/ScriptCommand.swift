import Shared

/// One line of a headless script.
public enum ScriptCommand: Hashable, Sendable {
    case set(cell: String, value: String)
    case clear(cell: String)
    /// One multi-cell edit: `rows` of tab-separated text written from `cell` to the right and
    /// down, an empty field clearing its cell (`paste B2 1\t2\n3\t4`).
    case paste(cell: String, rows: [[String]])
    /// One multi-cell edit clearing every cell of a range (`clear A1:C3`).
    case clearRange(cells: [String])
    /// `import FILE [at CELL] [sheet NAME] [delimiter C|tab]`: a CSV or XLSX file, by its extension.
    case importFile(FileImport)
    /// `export FILE [RANGE] [values|formulas] [delimiter C|tab]`.
    case exportFile(FileExport)

    public struct FileImport: Hashable, Sendable {
        public var path: String
        public var at = CellAddress(column: 0, row: 0)!
        public var sheet: String?
        public var delimiter: Character = ","
        public init(path: String) { self.path = path }
    }

    public struct FileExport: Hashable, Sendable {
        public var path: String
        /// nil: from A1 to the last used cell.
        public var range: CellRect?
        /// Formulas as typed rather than the values they compute.
        public var formulas = false
        public var delimiter: Character = ","
        public init(path: String) { self.path = path }
    }
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

    /// A CSV delimiter as scripts and `grid-tui import`/`export` name it: one character, or `tab`.
    public static func delimiter(_ text: some StringProtocol) throws(ProtocolError) -> Character {
        if text == "tab" { return "\t" }
        guard text.count == 1, let character = text.first else { throw ProtocolError(.badField, "a delimiter is one character, or 'tab'") }
        return character
    }

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
        func range(_ text: Substring) throws(ProtocolError) -> [String] {
            guard text.contains(":"), let rect = CellRect(text) else { throw ProtocolError(.badCell, "'\(text)' is not a range such as A1:C3") }
            return rect.cells.map(\.description)
        }
        func number(_ index: Int, _ what: String) throws(ProtocolError) -> Int {
            guard words.count > index, let value = Int(words[index]), value >= 0 else {
                throw ProtocolError(.badField, "'\(name)' needs \(what) as a whole number")
            }
            return value
        }
        switch name {
        case "set": return .set(cell: try cell(1), value: rest(after: 2))
        case "clear" where words.count > 1 && words[1].contains(":"):
            return .clearRange(cells: try range(words[1]))
        case "clear": return .clear(cell: try cell(1))
        case "paste": return .paste(cell: try cell(1), rows: Self.unescape(rest(after: 2)).split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        })
        case "resolve": return .resolve(cell: try cell(1))
        case "import":
            guard words.count > 1 else { throw ProtocolError(.badField, "'import' needs a file: import FILE [at CELL] [sheet NAME] [delimiter C|tab]") }
            var request = FileImport(path: String(words[1]))
            var index = 2
            while index < words.count {
                guard index + 1 < words.count else { throw ProtocolError(.badField, "'\(words[index])' needs a value") }
                switch words[index] {
                case "at":
                    guard let at = CellAddress(words[index + 1]) else { throw ProtocolError(.badCell, "'\(words[index + 1])' is not a cell such as B2") }
                    request.at = at
                case "sheet": request.sheet = String(words[index + 1])
                case "delimiter": request.delimiter = try Self.delimiter(words[index + 1])
                default: throw ProtocolError(.badField, "unknown option '\(words[index])'; import FILE [at CELL] [sheet NAME] [delimiter C|tab]")
                }
                index += 2
            }
            return .importFile(request)
        case "export":
            guard words.count > 1 else { throw ProtocolError(.badField, "'export' needs a file: export FILE [RANGE] [values|formulas] [delimiter C|tab]") }
            var request = FileExport(path: String(words[1]))
            var index = 2
            while index < words.count {
                switch words[index] {
                case "values": request.formulas = false
                case "formulas": request.formulas = true
                case "delimiter":
                    guard index + 1 < words.count else { throw ProtocolError(.badField, "'delimiter' needs a value") }
                    request.delimiter = try Self.delimiter(words[index + 1])
                    index += 1
                case let text where text.contains(":"):
                    guard let rect = CellRect(text) else { throw ProtocolError(.badCell, "'\(text)' is not a range such as A1:C3") }
                    request.range = rect
                default: throw ProtocolError(.badField, "unknown option '\(words[index])'; export FILE [RANGE] [values|formulas] [delimiter C|tab]")
                }
                index += 1
            }
            return .exportFile(request)
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
            throw ProtocolError(.unknownType, "unknown command '\(name)'; commands: set clear paste import export resolve sleep wait expect dump users history sync settle echo quit")
        }
    }

    /// `\t`, `\n` and `\\` in a script line: a line cannot hold a tab-separated block otherwise.
    static func unescape(_ text: String) -> String {
        var out = ""
        var escaped = false
        for character in text {
            if escaped {
                switch character {
                case "t": out.append("\t")
                case "n": out.append("\n")
                default: out.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                out.append(character)
            }
        }
        return out
    }
}
