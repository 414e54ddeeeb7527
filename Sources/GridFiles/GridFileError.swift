/// Why a file could not be read or written, and where. Thrown by every CSV and XLSX entry point.
///
/// `line` and `column` (1-based; the column counts characters, not bytes) are set for text
/// formats, where a person can go to the spot in an editor. XLSX errors name the sheet and cell
/// in the message instead, since a zip member's XML line means nothing to whoever made the file.
public struct GridFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure, stable for callers and tests; the message is for people.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A CSV quote that never closes, or text right after a closing quote.
        public static let brokenQuote = Code("brokenQuote")
        /// Bytes that are not UTF-8 (CSV), or text an XLSX part cannot hold.
        public static let badEncoding = Code("badEncoding")
        /// A non-empty cell that lands past the grid's last row or column.
        public static let outOfBounds = Code("outOfBounds")
        /// A value longer than `ImportLimits.maxValueBytes`.
        public static let valueTooLarge = Code("valueTooLarge")
        /// Not a zip archive, or a zip archive without a workbook.
        public static let notXLSX = Code("notXLSX")
        /// The requested sheet is not in the workbook.
        public static let noSuchSheet = Code("noSuchSheet")
        /// An XLSX whose parts are malformed: bad XML, a bad cell reference, a missing shared string.
        public static let badSheet = Code("badSheet")
        /// A bad argument from the caller: a delimiter CSV cannot use, an invalid sheet name, a cell given twice.
        public static let badArgument = Code("badArgument")
        /// The file could not be read at all (missing, a directory, no permission).
        public static let unreadable = Code("unreadable")
        /// The file could not be written; nothing was left at the destination.
        public static let unwritable = Code("unwritable")
    }

    public var code: Code
    public var message: String
    /// 1-based line of the problem, for text formats.
    public var line: Int?
    /// 1-based column in characters (grapheme clusters) within `line`.
    public var column: Int?
    /// The file's name as the caller gave it (the last path component for URLs), for the description.
    public var file: String?

    public init(_ code: Code, _ message: String, line: Int? = nil, column: Int? = nil, file: String? = nil) {
        self.code = code
        self.message = message
        self.line = line
        self.column = column
        self.file = file
    }

    /// `FILE:LINE:COL: message`, the form compilers use, so terminals and editors can jump to it;
    /// parts that are unknown are left out.
    public var description: String {
        var prefix: [String] = []
        if let file { prefix.append(file) }
        if let line {
            prefix.append(String(line))
            if let column { prefix.append(String(column)) }
        }
        return prefix.isEmpty ? message : prefix.joined(separator: ":") + ": " + message
    }

    /// The same error, naming `file`; entry points taking a URL set it once for every inner failure.
    func naming(_ file: String?) -> GridFileError {
        var copy = self
        if copy.file == nil { copy.file = file }
        return copy
    }
}
