import XMLCoder

/// `xl/styles.xml`, reduced to what import needs (each cell format's number format, so dates can be
/// told from numbers) and the fixed, minimal table export writes. Read and written with XMLCoder.
struct XLSXStyles: Sendable {
    /// Number format id of each `cellXfs` entry, indexed by a cell's `s` attribute.
    var cellFormatIDs: [Int]
    /// Custom number formats (`numFmtId` 164 and up, or overrides of built-ins) by id.
    var formatCodes: [Int: String]

    static let empty = XLSXStyles(cellFormatIDs: [], formatCodes: [:])

    /// What a cell's style says about its number, for import.
    func kind(ofStyle index: Int) -> NumberFormatKind {
        guard index >= 0, index < cellFormatIDs.count else { return .number }
        let id = cellFormatIDs[index]
        if let code = formatCodes[id] { return NumberFormatKind(formatCode: code) }
        return NumberFormatKind(builtInID: id)
    }

    /// The cell formats export uses, in `cellXfs` order: a cell's `s` is its index here.
    enum ExportStyle: Int, CaseIterable, Sendable {
        case general = 0, date, time, dateTime, percent, percentDecimals, forcedText

        var numberFormatID: Int {
            switch self {
            case .general, .forcedText: 0
            case .date: 164
            case .time: 166
            case .dateTime: 165
            case .percent: 9
            case .percentDecimals: 10
            }
        }
    }

    // Custom codes rather than built-ins 14 and 21, whose look each reader picks by locale
    // (LibreOffice shows 21 as "12:30:00 PM"); these show what CollabGrid shows.
    static let exportFormatCodes: [(id: Int, code: String)] = [(164, "yyyy-mm-dd"), (165, "yyyy-mm-dd hh:mm:ss"), (166, "hh:mm:ss")]
}

extension XLSXStyles: Decodable {
    private struct NumberFormat: Decodable {
        var numFmtId: Int
        var formatCode: String
    }

    private struct NumberFormats: Decodable { var numFmt: [NumberFormat]? }

    private struct CellFormat: Decodable { var numFmtId: Int? }

    private struct CellFormats: Decodable { var xf: [CellFormat]? }

    private enum CodingKeys: String, CodingKey { case numFmts, cellXfs }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let formats = try container.decodeIfPresent(NumberFormats.self, forKey: .numFmts)?.numFmt ?? []
        formatCodes = Dictionary(formats.map { ($0.numFmtId, $0.formatCode) }, uniquingKeysWith: { _, last in last })
        cellFormatIDs = (try container.decodeIfPresent(CellFormats.self, forKey: .cellXfs)?.xf ?? []).map { $0.numFmtId ?? 0 }
    }
}

extension XLSXStyles {
    /// The stylesheet export writes: one font, the two fills Excel requires, one border, and the
    /// cell formats of `ExportStyle`.
    struct ExportStylesheet: Encodable, DynamicNodeEncoding {
        struct Counted<Item: Encodable & Sendable>: Encodable, DynamicNodeEncoding {
            var items: [Item]
            var elementName: String
            struct Key: CodingKey {
                var stringValue: String
                var intValue: Int? { nil }
                init(stringValue: String) { self.stringValue = stringValue }
                init?(intValue: Int) { nil }
            }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(items.count, forKey: Key(stringValue: "count"))
                try container.encode(items, forKey: Key(stringValue: elementName))
            }
            static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding {
                key.stringValue == "count" ? .attribute : .element
            }
        }
        struct NumberFormat: Encodable, DynamicNodeEncoding {
            var numFmtId: Int
            var formatCode: String
            static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding { .attribute }
        }
        struct Value<T: Encodable & Sendable>: Encodable, DynamicNodeEncoding {
            var val: T
            static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding { .attribute }
        }
        struct Font: Encodable { var sz = Value(val: 11); var name = Value(val: "Calibri") }
        struct PatternFill: Encodable, DynamicNodeEncoding {
            var patternType: String
            static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding { .attribute }
        }
        struct Fill: Encodable { var patternFill: PatternFill }
        struct Empty: Encodable {}
        struct Border: Encodable { var left = Empty(), right = Empty(), top = Empty(), bottom = Empty(), diagonal = Empty() }
        struct CellFormat: Encodable, DynamicNodeEncoding {
            var numFmtId: Int
            var fontId = 0
            var fillId = 0
            var borderId = 0
            var xfId: Int?
            var applyNumberFormat: Int?
            var quotePrefix: Int?
            static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding { .attribute }
        }
        struct CellStyle: Encodable, DynamicNodeEncoding {
            var name = "Normal"
            var xfId = 0
            var builtinId = 0
            static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding { .attribute }
        }

        var xmlns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        var numFmts = Counted(items: exportFormatCodes.map { NumberFormat(numFmtId: $0.id, formatCode: $0.code) }, elementName: "numFmt")
        var fonts = Counted(items: [Font()], elementName: "font")
        var fills = Counted(items: [Fill(patternFill: .init(patternType: "none")), Fill(patternFill: .init(patternType: "gray125"))], elementName: "fill")
        var borders = Counted(items: [Border()], elementName: "border")
        var cellStyleXfs = Counted(items: [CellFormat(numFmtId: 0)], elementName: "xf")
        var cellXfs = Counted(
            items: ExportStyle.allCases.map { style in
                CellFormat(numFmtId: style.numberFormatID, xfId: 0,
                           applyNumberFormat: style.numberFormatID == 0 ? nil : 1,
                           quotePrefix: style == .forcedText ? 1 : nil)
            },
            elementName: "xf")
        var cellStyles = Counted(items: [CellStyle()], elementName: "cellStyle")

        // Element order is the schema's sequence; XMLCoder keeps declaration order.
        enum CodingKeys: String, CodingKey {
            case xmlns, numFmts, fonts, fills, borders, cellStyleXfs, cellXfs, cellStyles
        }

        static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding {
            key.stringValue == CodingKeys.xmlns.rawValue ? .attribute : .element
        }
    }
}
