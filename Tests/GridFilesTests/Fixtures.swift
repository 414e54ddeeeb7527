import Foundation
import Shared

/// Files under Tests/GridFilesTests/Fixtures, made by scripts/file-fixtures with LibreOffice as the
/// oracle. Read by path (the target excludes the folder), so CI needs no LibreOffice.
enum Fixtures {
    static let folder: URL = {
        let file = URL(fileURLWithPath: #filePath)
        return file.deletingLastPathComponent().appendingPathComponent("Fixtures")
    }()

    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    static func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: url(name))) }

    /// Rows of a TSV fixture with `\t`, `\n`, `\r` and `\\` escaped, header row dropped.
    static func tsv(_ name: String) throws -> [[String]] {
        let text = try String(contentsOf: url(name), encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: true).dropFirst().map { line in
            line.split(separator: "\t", omittingEmptySubsequences: false).map { unescape(String($0)) }
        }
    }

    static func unescape(_ field: String) -> String {
        var out = ""
        var escaping = false
        for c in field {
            if escaping {
                switch c {
                case "t": out.append("\t")
                case "n": out.append("\n")
                case "r": out.append("\r")
                default: out.append(c)
                }
                escaping = false
            } else if c == "\\" {
                escaping = true
            } else {
                out.append(c)
            }
        }
        return out
    }

    static func address(_ text: String) -> CellAddress { CellAddress(text)! }
}
