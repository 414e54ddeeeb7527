import Foundation
import Shared
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads one worksheet part into cells as typed: formulas (`<f>`, shared ones moved to each
/// cell), shared and inline strings, numbers, booleans, errors and ISO dates. Numbers whose style
/// is a date or time format become the ISO text CollabGrid reads as a date serial. Every cell is
/// checked against the limits as it is read; the first problem stops the parse.
/// A SAX pass, for speed: see `XMLBuffer`.
final class XLSXSheetParser: NSObject, XMLParserDelegate {
    struct Context: Sendable {
        var sheetName: String
        var sharedStrings: [String]
        var styles: XLSXStyles
        var date1904: Bool
        var origin: CellAddress
        var limits: ImportLimits
    }

    private let context: Context
    private(set) var cells: [(CellAddress, String)] = []
    private(set) var failure: GridFileError?

    // Position: rows and cells may omit `r`, then they follow the previous one.
    private var row = -1
    private var nextColumn = 0
    private var column = 0
    // The cell being read.
    private var type: String?
    private var style = 0
    private var value: String?
    private var formula: String?
    private var formulaAttributes: [String: String] = [:]
    private var inlineText: String?
    private var phoneticDepth = 0
    private var collecting: Collecting = .nothing
    private var text = ""
    /// Shared formula masters by `si`: their text and where they are.
    private var sharedFormulas: [String: (formula: String, row: Int, column: Int)] = [:]

    private enum Collecting { case nothing, value, formula, inlineText }

    init(context: Context) {
        self.context = context
    }

    static func read(_ data: Data, context: Context) throws(GridFileError) -> [(CellAddress, String)] {
        let reader = XLSXSheetParser(context: context)
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.delegate = reader
        let parsed = parser.parse()
        if let failure = reader.failure { throw failure }
        guard parsed, !reader.malformed else {
            throw GridFileError(.badSheet, "sheet '\(context.sheetName)': \(XMLPartFailure(parser))")
        }
        // Files list rows and cells in order; one that does not is still read in row-major order.
        var cells = reader.cells
        if !zip(cells, cells.dropFirst()).allSatisfy({ $0.0 < $1.0 }) {
            cells = cells.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element)
        }
        return cells
    }

    /// Set when XMLParser reports an error but goes on (libxml2 recovers from some, such as a
    /// mismatched end tag); a sheet it had to guess at is not imported.
    private var malformed = false

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        malformed = true
    }

    private func fail(_ parser: XMLParser, _ code: GridFileError.Code, _ message: String) {
        guard failure == nil else { return }
        failure = GridFileError(code, "sheet '\(context.sheetName)', \(message)")
        parser.abortParsing()
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]) {
        guard failure == nil else { return }
        switch elementName {
        case "row":
            if let r = attributes["r"] {
                guard let number = Int(r), number >= 1, number <= CellAddress.maxRows else {
                    return fail(parser, .badSheet, "row \(String(reflecting: r)): not a row number from 1 to \(CellAddress.maxRows)")
                }
                row = number - 1
            } else {
                row += 1
            }
            nextColumn = 0
        case "c":
            if let reference = attributes["r"] {
                guard let address = CellAddress(reference) else {
                    return fail(parser, .badSheet, "cell \(String(reflecting: reference)): not a cell reference (A1 to XFD1048576)")
                }
                column = address.column
                row = address.row
            } else {
                column = nextColumn
            }
            nextColumn = column + 1
            type = attributes["t"]
            style = attributes["s"].flatMap { Int($0) } ?? 0
            value = nil
            formula = nil
            formulaAttributes = [:]
            inlineText = nil
        case "v":
            begin(.value)
        case "f":
            formulaAttributes = attributes
            begin(.formula)
        case "is":
            inlineText = ""
        case "rPh":
            phoneticDepth += 1
        case "t" where inlineText != nil && phoneticDepth == 0:
            begin(.inlineText)
        default:
            break
        }
    }

    private func begin(_ what: Collecting) {
        collecting = what
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if collecting != .nothing { text += string }
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        if collecting != .nothing { text += String(decoding: CDATABlock, as: UTF8.self) }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard failure == nil else { return }
        switch elementName {
        case "v" where collecting == .value:
            value = text
            collecting = .nothing
        case "f" where collecting == .formula:
            formula = text
            collecting = .nothing
        case "t" where collecting == .inlineText:
            inlineText? += text
            collecting = .nothing
        case "rPh":
            phoneticDepth -= 1
        case "c":
            finishCell(parser)
        default:
            break
        }
    }

    private var reference: String { CellAddress(column: column, row: row)?.description ?? "R\(row + 1)C\(column + 1)" }

    private func finishCell(_ parser: XMLParser) {
        guard let typed = typedText(parser), !typed.isEmpty, failure == nil else { return }
        let (targetRow, targetColumn) = (context.origin.row + row, context.origin.column + column)
        let (maxRows, maxColumns) = (context.limits.effectiveRows, context.limits.effectiveColumns)
        guard targetRow < maxRows, targetColumn < maxColumns, let address = CellAddress(column: targetColumn, row: targetRow) else {
            let past = targetRow >= maxRows
                ? "row \(targetRow + 1), past the grid's last row \(maxRows)"
                : "column \(CellAddress.columnName(targetColumn)), past the grid's last column \(CellAddress.columnName(maxColumns - 1))"
            return fail(parser, .outOfBounds, "cell \(reference): would land in \(past)")
        }
        let size = typed.utf8.count
        guard size <= context.limits.maxValueBytes else {
            return fail(parser, .valueTooLarge, "cell \(reference): the value is \(size) bytes; a cell holds at most \(context.limits.maxValueBytes)")
        }
        cells.append((address, typed))
    }

    /// The cell's text as a person would type it, or nil for an empty cell.
    private func typedText(_ parser: XMLParser) -> String? {
        if let formulaText = formulaText() {
            // LibreOffice saves a typed TRUE or FALSE as the formula TRUE() or FALSE().
            if type == "b", formulaText == "TRUE()" || formulaText == "FALSE()" { return String(formulaText.dropLast(2)) }
            return "=" + FormulaText.removingPrefixes(formulaText)
        }
        switch type {
        case "s":
            guard let value else { return nil }
            guard let index = Int(value.trimmingCharacters(in: .whitespaces)), context.sharedStrings.indices.contains(index) else {
                fail(parser, .badSheet, "cell \(reference): shared string \(String(reflecting: value)) is not in the table of \(context.sharedStrings.count)")
                return nil
            }
            return asText(context.sharedStrings[index])
        case "inlineStr":
            return inlineText.map { asText(XMLBuffer.decodeEscapes($0)) } ?? value.map(asText)
        case "str":
            return value.map { asText(XMLBuffer.decodeEscapes($0)) }
        case "b":
            guard let value else { return nil }
            return value.trimmingCharacters(in: .whitespaces) == "1" || value.lowercased() == "true" ? "TRUE" : "FALSE"
        case "e":
            // An error value without a formula (pasted values): kept as the text Excel shows.
            return value
        case "d":
            return value.map(isoDateText)
        default:
            guard let value, !value.isEmpty else { return nil }
            guard let number = Double(value.trimmingCharacters(in: .whitespaces)) else {
                fail(parser, .badSheet, "cell \(reference): \(String(reflecting: value)) is not a number")
                return nil
            }
            let kind = context.styles.kind(ofStyle: style)
            let serial = context.date1904 && kind != .number ? number + DateText.offset1904 : number
            return DateText.text(serial: serial, kind: kind) ?? NumberText.format(number)
        }
    }

    /// The formula written in this cell, or the shared formula it takes part in, moved here.
    private func formulaText() -> String? {
        let kind = formulaAttributes["t"]
        // Data tables (`t="dataTable"`) hold parameters, not a formula; their values stand.
        guard kind != "dataTable" else { return nil }
        if let formula, !formula.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            if kind == "shared", let index = formulaAttributes["si"] {
                sharedFormulas[index] = (formula, row, column)
            }
            return formula
        }
        if kind == "shared", let index = formulaAttributes["si"], let master = sharedFormulas[index] {
            return FormulaText.shifted(master.formula, rows: row - master.row, columns: column - master.column)
        }
        return nil
    }

    /// Text that CollabGrid would read as a number, date, boolean or formula keeps a leading `'`.
    private func asText(_ string: String) -> String {
        TypedValue.needsApostrophe(string) ? "'" + string : string
    }

    /// `t="d"` cells hold ISO 8601 text (`2024-01-05T13:30:00Z`); kept as the date, and the time when there is one.
    private func isoDateText(_ raw: String) -> String {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        let date = String(trimmed.prefix(10))
        var time = trimmed.count > 11 ? String(trimmed.dropFirst(11).prefix(8)) : ""
        if time == "00:00:00" || time == "00:00" { time = "" }
        return time.isEmpty ? date : date + " " + time
    }
}
