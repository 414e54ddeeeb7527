import Foundation
import Shared
import XMLCoder
import ZIPFoundation

/// Builds an XLSX package for one sheet: the package parts (content types, relationships,
/// workbook, styles) through XMLCoder, the worksheet and shared strings as streamed bytes, all
/// deflated by ZIPFoundation. The result opens in Excel and LibreOffice.
enum XLSXWriter {
    /// Zip entries carry this date, so the same cells always make the same bytes.
    private static let entryDate = Date(timeIntervalSince1970: 1_704_067_200)  // 2024-01-01

    static func encode(_ cells: [XLSXFile.Cell], sheetName: String) throws(GridFileError) -> Data {
        try validate(sheetName: sheetName)
        let sorted = cells.sorted { $0.address < $1.address }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.address == b.address {
            throw GridFileError(.badArgument, "cell \(a.address) is given twice")
        }

        var strings = SharedStringTable()
        var sheet = XMLBuffer(capacity: sorted.count * 40 + 512)
        var needsRecalculation = false
        sheet.append("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n")
        sheet.append("<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" ")
        sheet.append("xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">")
        let written = sorted.filter { !$0.typed.isEmpty }
        if let first = written.first, let last = written.last {
            let minColumn = written.lazy.map(\.address.column).min() ?? first.address.column
            let maxColumn = written.lazy.map(\.address.column).max() ?? last.address.column
            sheet.append("<dimension ref=\"")
            sheet.append(raw: CellAddress.columnName(minColumn) + String(first.address.row + 1) + ":"
                + CellAddress.columnName(maxColumn) + String(last.address.row + 1))
            sheet.append("\"/>")
        }
        sheet.append("<sheetData>")
        var currentRow = -1
        for cell in written {
            if cell.address.row != currentRow {
                if currentRow >= 0 { sheet.append("</row>") }
                currentRow = cell.address.row
                sheet.append("<row r=\"")
                sheet.append(currentRow + 1)
                sheet.append("\">")
            }
            if !write(cell, into: &sheet, strings: &strings) { needsRecalculation = true }
        }
        if currentRow >= 0 { sheet.append("</row>") }
        sheet.append("</sheetData></worksheet>")

        var parts: [(String, Data)] = []
        do {
            let hasStrings = !strings.values.isEmpty
            var overrides = [
                XLSXContentTypes.Override(partName: "/xl/workbook.xml", contentType: XLSXContentTypes.workbook),
                XLSXContentTypes.Override(partName: "/xl/worksheets/sheet1.xml", contentType: XLSXContentTypes.worksheet),
                XLSXContentTypes.Override(partName: "/xl/styles.xml", contentType: XLSXContentTypes.styles),
            ]
            if hasStrings {
                overrides.append(.init(partName: "/xl/sharedStrings.xml", contentType: XLSXContentTypes.sharedStrings))
            }
            let contentTypes = XLSXContentTypes(
                defaults: [
                    .init(extensionName: "rels", contentType: "application/vnd.openxmlformats-package.relationships+xml"),
                    .init(extensionName: "xml", contentType: "application/xml"),
                ],
                overrides: overrides)
            let packageRelationships = XLSXRelationships([
                .init(id: "rId1", type: XLSXRelationships.officeDocument, target: "xl/workbook.xml"),
            ])
            var workbookRelationships = [
                XLSXRelationships.Relationship(id: "rId1", type: XLSXRelationships.worksheet, target: "worksheets/sheet1.xml"),
                XLSXRelationships.Relationship(id: "rId2", type: XLSXRelationships.styles, target: "styles.xml"),
            ]
            if hasStrings {
                workbookRelationships.append(.init(id: "rId3", type: XLSXRelationships.sharedStrings, target: "sharedStrings.xml"))
            }
            let workbook = XLSXWorkbookPart(sheets: [.init(name: sheetName, sheetID: 1, relationshipID: "rId1")],
                                            date1904: false, fullCalcOnLoad: needsRecalculation)

            parts.append(("[Content_Types].xml", try xml(contentTypes, root: "Types")))
            parts.append(("_rels/.rels", try xml(packageRelationships, root: "Relationships")))
            parts.append(("xl/workbook.xml", try xml(workbook.document, root: "workbook")))
            parts.append(("xl/_rels/workbook.xml.rels", try xml(XLSXRelationships(workbookRelationships), root: "Relationships")))
            parts.append(("xl/styles.xml", try xml(XLSXStyles.ExportStylesheet(), root: "styleSheet")))
            parts.append(("xl/worksheets/sheet1.xml", Data(sheet.bytes)))
            if hasStrings { parts.append(("xl/sharedStrings.xml", Data(strings.xml().bytes))) }
        } catch {
            throw GridFileError(.unwritable, "cannot encode the workbook: \(error)")
        }
        return try archive(parts)
    }

    /// Writes one cell; false when it is a formula without a cached value (the file then asks for
    /// recalculation on open).
    private static func write(_ cell: XLSXFile.Cell, into sheet: inout XMLBuffer, strings: inout SharedStringTable) -> Bool {
        let reference = cell.address.description
        sheet.append("<c r=\"")
        sheet.append(raw: reference)
        if cell.typed.hasPrefix("="), cell.typed.utf8.count > 1 {
            let formula = FormulaText.addingPrefixes(String(cell.typed.dropFirst()))
            var value: String?
            switch cell.cached {
            case .number(let number) where number.isFinite:
                value = NumberText.format(number)
            case .number:
                sheet.append("\" t=\"e")
                value = "#NUM!"
            case .text(let text):
                sheet.append("\" t=\"str")
                value = text
            case .boolean(let flag):
                sheet.append("\" t=\"b")
                value = flag ? "1" : "0"
            case .error(let error):
                sheet.append("\" t=\"e")
                value = error
            case nil:
                break
            }
            sheet.append("\"><f>")
            sheet.appendText(formula)
            sheet.append("</f>")
            if let value {
                sheet.append("<v>")
                sheet.appendText(value)
                sheet.append("</v>")
            }
            sheet.append("</c>")
            return value != nil
        }
        switch TypedValue(typed: cell.typed) {
        case .text(let text, _):
            // A quote prefix (the apostrophe, as a style) keeps text that reads as a number a text.
            if TypedValue.needsApostrophe(text) {
                sheet.append("\" s=\"")
                sheet.append(XLSXStyles.ExportStyle.forcedText.rawValue)
            }
            sheet.append("\" t=\"s\"><v>")
            sheet.append(strings.index(of: text))
        case .boolean(let flag):
            sheet.append("\" t=\"b\"><v>")
            sheet.append(flag ? "1" : "0")
        case .number(let number, let style):
            if style != .general {
                sheet.append("\" s=\"")
                sheet.append(style.rawValue)
            }
            sheet.append("\"><v>")
            sheet.append(raw: NumberText.format(number))
        }
        sheet.append("</v></c>")
        return true
    }

    /// Excel's rules for sheet names, which LibreOffice shares: 1 to 31 characters, none of `: \ / ? * [ ]`,
    /// not starting or ending with an apostrophe.
    static func validate(sheetName name: String) throws(GridFileError) {
        let forbidden = Set(":\\/?*[]")
        guard !name.isEmpty, name.count <= 31, !name.contains(where: { forbidden.contains($0) }),
              !name.hasPrefix("'"), !name.hasSuffix("'") else {
            throw GridFileError(.badArgument, "\(String(reflecting: name)) cannot name a sheet: use 1 to 31 characters, none of : \\ / ? * [ ], not starting or ending with '")
        }
    }

    private static func xml(_ value: some Encodable, root: String) throws -> Data {
        let encoder = XMLEncoder()
        let body = try encoder.encode(value, withRootKey: root, header: XMLHeader(version: 1.0, encoding: "UTF-8", standalone: "yes"))
        return body
    }

    private static func archive(_ parts: [(String, Data)]) throws(GridFileError) -> Data {
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            for (path, data) in parts {
                try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: entryDate,
                                     compressionMethod: .deflate) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            guard let data = archive.data else { throw Archive.ArchiveError.unwritableArchive }
            return data
        } catch {
            throw GridFileError(.unwritable, "cannot build the zip archive: \(error)")
        }
    }
}
