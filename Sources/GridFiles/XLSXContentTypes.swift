import XMLCoder

/// `[Content_Types].xml`, which tells Excel and LibreOffice what each part is. Written only:
/// readers find parts through relationships, as the format intends.
struct XLSXContentTypes: Encodable, DynamicNodeEncoding, Sendable {
    struct Default: Encodable, DynamicNodeEncoding, Sendable {
        var extensionName: String
        var contentType: String
        enum CodingKeys: String, CodingKey { case extensionName = "Extension", contentType = "ContentType" }
        static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding { .attribute }
    }

    struct Override: Encodable, DynamicNodeEncoding, Sendable {
        var partName: String
        var contentType: String
        enum CodingKeys: String, CodingKey { case partName = "PartName", contentType = "ContentType" }
        static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding { .attribute }
    }

    var xmlns = "http://schemas.openxmlformats.org/package/2006/content-types"
    var defaults: [Default]
    var overrides: [Override]

    enum CodingKeys: String, CodingKey {
        case xmlns
        case defaults = "Default"
        case overrides = "Override"
    }

    static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding {
        key.stringValue == CodingKeys.xmlns.rawValue ? .attribute : .element
    }

    static let main = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    static let workbook = main + ".sheet.main+xml"
    static let worksheet = main + ".worksheet+xml"
    static let sharedStrings = main + ".sharedStrings+xml"
    static let styles = main + ".styles+xml"
}
