import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Where and why XMLParser gave up on a part, for messages such as
/// "sheet 'Data': malformed XML at line 3, column 14: …".
struct XMLPartFailure: Error, Sendable, Hashable, CustomStringConvertible {
    var line: Int
    var column: Int
    var reason: String

    init(line: Int, column: Int, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    init(_ parser: XMLParser) {
        let error = parser.parserError.map { ($0 as NSError).localizedDescription } ?? "unknown error"
        self.init(line: parser.lineNumber, column: parser.columnNumber, reason: error)
    }

    var description: String { "malformed XML at line \(line), column \(column): \(reason)" }
}
