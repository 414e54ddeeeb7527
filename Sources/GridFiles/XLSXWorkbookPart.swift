import XMLCoder

/// `xl/workbook.xml`: the sheets in tab order and the date system. Read and written with XMLCoder.
struct XLSXWorkbookPart: Sendable {
    struct Sheet: Sendable, Hashable {
        var name: String
        var sheetID: Int
        /// The `r:id` naming the sheet's part in the workbook's relationships.
        var relationshipID: String
    }

    var sheets: [Sheet]
    /// Serials count from 1904-01-01 instead of 1899-12-30 (old Mac Excel files).
    var date1904: Bool
    /// Ask the reader to recalculate on open, set when a formula has no cached value to show.
    var fullCalcOnLoad = false
}

extension XLSXWorkbookPart: Decodable {
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private struct SheetList: Decodable {
        var sheet: [DecodedSheet]?
    }

    private struct DecodedSheet: Decodable {
        var name: String
        var sheetID: Int
        var relationshipID: String

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyKey.self)
            name = try container.decode(String.self, forKey: AnyKey(stringValue: "name"))
            sheetID = (try? container.decode(Int.self, forKey: AnyKey(stringValue: "sheetId"))) ?? 0
            // `r:id`; namespace processing may or may not strip the prefix, and writers may choose
            // another prefix, so any key that is `id` or ends in `:id` is the relationship.
            guard let key = container.allKeys.first(where: { $0.stringValue == "id" || $0.stringValue.hasSuffix(":id") }) else {
                throw DecodingError.keyNotFound(AnyKey(stringValue: "r:id"), .init(codingPath: container.codingPath, debugDescription: "sheet without r:id"))
            }
            relationshipID = try container.decode(String.self, forKey: key)
        }
    }

    private struct WorkbookProperties: Decodable {
        var date1904: String?
    }

    private enum CodingKeys: String, CodingKey {
        case sheets, workbookPr
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let list = try container.decodeIfPresent(SheetList.self, forKey: .sheets)
        sheets = (list?.sheet ?? []).map { Sheet(name: $0.name, sheetID: $0.sheetID, relationshipID: $0.relationshipID) }
        let flag = try container.decodeIfPresent(WorkbookProperties.self, forKey: .workbookPr)?.date1904
        date1904 = flag == "1" || flag == "true"
    }
}

extension XLSXWorkbookPart {
    /// The part as XMLCoder writes it. A separate type because XMLCoder asks the encoded type
    /// itself which keys are attributes.
    struct Document: Encodable, DynamicNodeEncoding {
        struct SheetElement: Encodable, DynamicNodeEncoding {
            var name: String
            var sheetId: Int
            var id: String
            enum CodingKeys: String, CodingKey { case name, sheetId, id = "r:id" }
            static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding { .attribute }
        }
        struct Sheets: Encodable { var sheet: [SheetElement] }
        struct CalcProperties: Encodable, DynamicNodeEncoding {
            var fullCalcOnLoad: String?
            static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding { .attribute }
        }

        var xmlns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        var relationshipsNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        var sheets: Sheets
        var calcPr: CalcProperties

        enum CodingKeys: String, CodingKey {
            case xmlns, relationshipsNamespace = "xmlns:r", sheets, calcPr
        }

        static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding {
            key.stringValue.hasPrefix("xmlns") ? .attribute : .element
        }
    }

    var document: Document {
        let sheetElements = sheets.map { Document.SheetElement(name: $0.name, sheetId: $0.sheetID, id: $0.relationshipID) }
        let calc = Document.CalcProperties(fullCalcOnLoad: fullCalcOnLoad ? "1" : nil)
        return Document(sheets: .init(sheet: sheetElements), calcPr: calc)
    }
}
