import Foundation
import Shared
import XMLCoder
import ZIPFoundation

/// Opens an XLSX package and reads one sheet: finds the workbook through the package
/// relationships, the sheet by name (or the first in tab order), then its shared strings and styles.
struct XLSXReader {
    /// A part may not inflate past this, so a zip bomb fails instead of filling memory.
    static let maxPartBytes: UInt64 = 1 << 30

    private let archive: Archive

    init(data: Data) throws(GridFileError) {
        // Every zip starts with a local file header ("PK\3\4"); anything else is some other file,
        // and saying so beats a zip library's complaint about a missing central directory.
        guard data.starts(with: [0x50, 0x4B, 0x03, 0x04]) else {
            throw GridFileError(.notXLSX, "not an XLSX file: it is not a zip archive\(Self.guess(data))")
        }
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw GridFileError(.notXLSX, "not an XLSX file: the zip archive is damaged (\(error))")
        }
    }

    func sheetNames() throws(GridFileError) -> [String] {
        try workbook().part.sheets.map(\.name)
    }

    func read(sheet requested: String?, origin: CellAddress, limits: ImportLimits) throws(GridFileError) -> ImportedSheet {
        let (workbookPath, workbook) = try workbook()
        guard let firstSheet = workbook.sheets.first else {
            throw GridFileError(.badSheet, "the workbook lists no sheets")
        }
        let chosen: XLSXWorkbookPart.Sheet
        if let requested {
            // Excel treats sheet names case-insensitively; an exact match still wins.
            guard let match = workbook.sheets.first(where: { $0.name == requested })
                ?? workbook.sheets.first(where: { $0.name.lowercased() == requested.lowercased() }) else {
                let names = workbook.sheets.map { "'\($0.name)'" }.joined(separator: ", ")
                throw GridFileError(.noSuchSheet, "no sheet named '\(requested)'; the workbook has \(names)")
            }
            chosen = match
        } else {
            chosen = firstSheet
        }

        let workbookFolder = Self.folder(of: workbookPath)
        guard let workbookRelationships = try relationships(for: workbookPath),
              let target = workbookRelationships.target(id: chosen.relationshipID) else {
            throw GridFileError(.badSheet, "sheet '\(chosen.name)': the workbook does not say where its part is (relationship \(chosen.relationshipID))")
        }
        let sheetPath = XLSXRelationships.resolve(target, from: workbookFolder)
        guard let sheetData = try part(sheetPath) else {
            throw GridFileError(.badSheet, "sheet '\(chosen.name)': its part \(sheetPath) is missing from the zip archive")
        }

        var sharedStrings: [String] = []
        if let relationship = workbookRelationships.first(ofType: XLSXRelationships.sharedStrings),
           let data = try part(XLSXRelationships.resolve(relationship.target, from: workbookFolder)) {
            switch XLSXSharedStrings.read(data) {
            case .success(let strings): sharedStrings = strings
            case .failure(let failure): throw GridFileError(.badSheet, "the shared strings cannot be read: \(failure)")
            }
        }
        var styles = XLSXStyles.empty
        if let relationship = workbookRelationships.first(ofType: XLSXRelationships.styles),
           let data = try part(XLSXRelationships.resolve(relationship.target, from: workbookFolder)) {
            do {
                styles = try Self.decoder().decode(XLSXStyles.self, from: data)
            } catch {
                throw GridFileError(.badSheet, "the styles cannot be read: \(Self.describe(error))")
            }
        }

        let context = XLSXSheetParser.Context(sheetName: chosen.name, sharedStrings: sharedStrings, styles: styles,
                                              date1904: workbook.date1904, origin: origin, limits: limits)
        let cells = try XLSXSheetParser.read(sheetData, context: context)
        return ImportedSheet(cells: cells, sheetName: chosen.name)
    }

    // MARK: - Parts

    /// The workbook part, found through the package relationships (`xl/workbook.xml` if they are missing).
    private func workbook() throws(GridFileError) -> (path: String, part: XLSXWorkbookPart) {
        let packageRelationships = try relationships(for: "")
        let path = packageRelationships?.first(ofType: XLSXRelationships.officeDocument)
            .map { XLSXRelationships.resolve($0.target, from: "") } ?? "xl/workbook.xml"
        guard let data = try part(path) else {
            throw GridFileError(.notXLSX, "not an XLSX file: the zip archive has no workbook (\(path))")
        }
        do {
            return (path, try Self.decoder().decode(XLSXWorkbookPart.self, from: data))
        } catch {
            throw GridFileError(.badSheet, "the workbook (\(path)) cannot be read: \(Self.describe(error))")
        }
    }

    /// A member's bytes, or nil when the archive has no such member.
    private func part(_ path: String) throws(GridFileError) -> Data? {
        guard let entry = archive[path] ?? archive.first(where: { $0.path.lowercased() == path.lowercased() }) else { return nil }
        guard entry.uncompressedSize <= Self.maxPartBytes else {
            throw GridFileError(.badSheet, "\(path) inflates to \(entry.uncompressedSize) bytes, more than an import reads")
        }
        // The header's size is only a hint (it may lie), so the reservation is capped.
        var data = Data(capacity: Int(min(entry.uncompressedSize, 64 << 20)))
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                data.append(chunk)
                guard data.count <= Self.maxPartBytes else { throw Archive.ArchiveError.invalidEntrySize }
            }
        } catch {
            throw GridFileError(.notXLSX, "not an XLSX file: \(path) cannot be unpacked (\(error))")
        }
        return data
    }

    /// The relationships of `source` (`""` for the package itself), from its `_rels` member.
    private func relationships(for source: String) throws(GridFileError) -> XLSXRelationships? {
        let folder = Self.folder(of: source)
        let name = source.split(separator: "/").last.map(String.init) ?? ""
        let path = (folder.isEmpty ? "" : folder + "/") + "_rels/" + name + ".rels"
        guard let data = try part(path) else { return nil }
        do {
            return try Self.decoder().decode(XLSXRelationships.self, from: data)
        } catch {
            throw GridFileError(.badSheet, "\(path) cannot be read: \(Self.describe(error))")
        }
    }

    private static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    private static func decoder() -> XMLDecoder {
        let decoder = XMLDecoder()
        decoder.shouldProcessNamespaces = true
        decoder.trimValueWhitespaces = false
        return decoder
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "\(key.stringValue) is missing"
        case DecodingError.dataCorrupted(let context): context.debugDescription
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            context.codingPath.map(\.stringValue).joined(separator: ".") + ": " + context.debugDescription
        default: String(describing: error)
        }
    }

    /// A hint at what the file is instead, for the "not an XLSX file" message.
    private static func guess(_ data: Data) -> String {
        if data.isEmpty { return " (the file is empty)" }
        if data.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) { return " (it looks like an old binary .xls workbook; save it as .xlsx)" }
        let head = data.prefix(512)
        if head.allSatisfy({ $0 >= 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            return " (it looks like a text file; CSV files are imported as CSV)"
        }
        return ""
    }
}
