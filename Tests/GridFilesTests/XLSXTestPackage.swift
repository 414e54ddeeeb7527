import Foundation
import ZIPFoundation

/// Minimal hand-built workbooks for cases LibreOffice does not write (shared formulas, inline
/// strings, 1904 dates, prefixed namespaces, broken references).
enum XLSXTestPackage {
    static func make(sheet: String, sharedStrings: String? = nil, styles: String? = nil, workbookExtra: String = "",
                     sheets: [String] = ["Sheet1"]) throws -> Data {
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        var parts: [(String, String)] = [
            ("_rels/.rels", """
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="\(rel)/officeDocument" Target="xl/workbook.xml"/></Relationships>
            """),
            ("xl/workbook.xml", """
            <workbook xmlns="\(main)" xmlns:r="\(rel)">\(workbookExtra)<sheets>\
            \(sheets.enumerated().map { "<sheet name=\"\($1)\" sheetId=\"\($0 + 1)\" r:id=\"rId\($0 + 10)\"/>" }.joined())\
            </sheets></workbook>
            """),
        ]
        var relationships = sheets.indices.map { "<Relationship Id=\"rId\($0 + 10)\" Type=\"\(rel)/worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>" }
        if sharedStrings != nil { relationships.append("<Relationship Id=\"rId2\" Type=\"\(rel)/sharedStrings\" Target=\"sharedStrings.xml\"/>") }
        if styles != nil { relationships.append("<Relationship Id=\"rId3\" Type=\"\(rel)/styles\" Target=\"/xl/styles.xml\"/>") }
        parts.append(("xl/_rels/workbook.xml.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\(relationships.joined())</Relationships>"))
        for index in sheets.indices {
            parts.append(("xl/worksheets/sheet\(index + 1).xml", "<worksheet xmlns=\"\(main)\"><sheetData>\(sheet)</sheetData></worksheet>"))
        }
        if let sharedStrings { parts.append(("xl/sharedStrings.xml", "<sst xmlns=\"\(main)\">\(sharedStrings)</sst>")) }
        if let styles { parts.append(("xl/styles.xml", "<styleSheet xmlns=\"\(main)\">\(styles)</styleSheet>")) }
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, text) in parts {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return archive.data!
    }

    /// The uncompressed members of a package, by path.
    static func parts(_ data: Data) throws -> [String: Data] {
        let archive = try Archive(data: data, accessMode: .read)
        var result: [String: Data] = [:]
        for entry in archive {
            var bytes = Data()
            _ = try archive.extract(entry) { bytes.append($0) }
            result[entry.path] = bytes
        }
        return result
    }
}
