import Shared

/// A command typed on the command line (`:`). Parsing is pure; `TUIModel.runCommand` does it.
public enum TUICommand: Hashable, Sendable {
    case importFile(ScriptCommand.FileImport)
    case exportFile(ScriptCommand.FileExport)
    /// Sort the selection's rows (or the used cells) by a column.
    case sort(column: Int, descending: Bool)
    case fill(RangeEdits.Direction)
    case goto(CellAddress)
    /// Width of the cursor's column (every selected column with a selection).
    case setWidth(Int)
    case help

    public struct Usage: Sendable {
        public let name: String
        public let usage: String
        public let description: String
    }

    /// Every command, for the help, Tab completion and the README.
    public static let all: [Usage] = [
        Usage(name: "import", usage: "import FILE [at CELL] [sheet NAME] [delimiter C|tab]", description: "read a CSV or XLSX file into the grid"),
        Usage(name: "export", usage: "export FILE [RANGE] [values|formulas] [delimiter C|tab]", description: "write the grid (or the selection) to CSV or XLSX"),
        Usage(name: "sort", usage: "sort COL [desc]", description: "sort the selection's rows by a column"),
        Usage(name: "fill", usage: "fill [down|right]", description: "fill the selection (as Ctrl-D / Ctrl-R)"),
        Usage(name: "goto", usage: "goto CELL", description: "go to a cell"),
        Usage(name: "set", usage: "set width N", description: "width of the column (or selected columns)"),
        Usage(name: "help", usage: "help", description: "the keys and these commands"),
    ]

    public static func parse(_ line: String) throws(ProtocolError) -> TUICommand {
        let words = line.split(separator: " ", omittingEmptySubsequences: true)
        guard let name = words.first.map(String.init) else { throw ProtocolError(.badField, "type a command; :help lists them") }
        func usage() -> String { all.first { $0.name == name }.map { "usage: :\($0.usage)" } ?? "" }
        switch name {
        case "import", "export":
            switch try ScriptCommand.parse(Substring(line)) {
            case .importFile(let request): return .importFile(request)
            case .exportFile(let request): return .exportFile(request)
            default: throw ProtocolError(.badField, usage())
            }
        case "sort":
            guard (2...3).contains(words.count), let column = CellAddress("\(words[1])1")?.column else {
                throw ProtocolError(.badField, "'\(words.dropFirst().first ?? "")' is not a column; \(usage())")
            }
            guard words.count == 2 || ["desc", "asc"].contains(words[2]) else { throw ProtocolError(.badField, usage()) }
            return .sort(column: column, descending: words.count == 3 && words[2] == "desc")
        case "fill":
            guard words.count <= 2 else { throw ProtocolError(.badField, usage()) }
            switch words.count == 2 ? words[1] : "down" {
            case "down": return .fill(.down)
            case "right": return .fill(.right)
            default: throw ProtocolError(.badField, usage())
            }
        case "goto":
            guard words.count == 2, let cell = CellAddress(words[1]) else { throw ProtocolError(.badCell, "give a cell from A1 to XFD1048576; \(usage())") }
            return .goto(cell)
        case "set":
            guard words.count == 3, words[1] == "width", let width = Int(words[2]), width > 0 else { throw ProtocolError(.badField, usage()) }
            return .setWidth(width)
        case "help":
            return .help
        default:
            throw ProtocolError(.unknownType, "unknown command ':\(name)'; commands: \(all.map(\.name).joined(separator: " "))")
        }
    }

    /// Tab on the command line: the text completed as far as it is unambiguous. The first word
    /// completes from the command names; the second of `import`/`export` from `files`, the
    /// names in the directory the word points into (directories end in `/`).
    public static func complete(_ text: String, files: [String] = []) -> (text: String, choices: [String]) {
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        if words.count <= 1 {
            let matches = all.map(\.name).filter { $0.hasPrefix(text) }
            guard !matches.isEmpty else { return (text, []) }
            let common = commonPrefix(matches)
            return (matches.count == 1 ? common + " " : common, matches)
        }
        guard words.count == 2, ["import", "export"].contains(words[0]) else { return (text, []) }
        let word = String(words[1])
        let directory = word.contains("/") ? String(word[...word.lastIndex(of: "/")!]) : ""
        let matches = files.map { directory + $0 }.filter { $0.hasPrefix(word) }.sorted()
        guard !matches.isEmpty else { return (text, []) }
        let common = commonPrefix(matches)
        let done = matches.count == 1 && !common.hasSuffix("/")
        return ("\(words[0]) \(common)\(done ? " " : "")", matches)
    }

    /// The directory part of the word being completed, for listing.
    public static func directoryToList(_ text: String) -> String? {
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        guard words.count == 2, ["import", "export"].contains(words[0]) else { return nil }
        guard let slash = words[1].lastIndex(of: "/") else { return "." }
        return String(words[1][...slash])
    }

    static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first else { return "" }
        for word in words.dropFirst() {
            while !word.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }
}
