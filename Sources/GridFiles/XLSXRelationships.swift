import XMLCoder

/// An OPC relationships part (`_rels/.rels`, `xl/_rels/workbook.xml.rels`): how a package finds
/// its workbook, and a workbook its sheets, shared strings and styles. Read and written with XMLCoder.
struct XLSXRelationships: Codable, DynamicNodeEncoding, Sendable {
    struct Relationship: Codable, DynamicNodeEncoding, Sendable {
        var id: String
        var type: String
        var target: String

        enum CodingKeys: String, CodingKey {
            case id = "Id", type = "Type", target = "Target"
        }

        static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding { .attribute }
    }

    var xmlns: String? = XLSXRelationships.namespace
    var relationships: [Relationship]

    enum CodingKeys: String, CodingKey {
        case xmlns
        case relationships = "Relationship"
    }

    static let namespace = "http://schemas.openxmlformats.org/package/2006/relationships"
    static let officeDocument = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
    static let worksheet = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
    static let sharedStrings = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    static let styles = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"

    init(_ relationships: [Relationship]) {
        self.relationships = relationships
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        xmlns = nil
        relationships = try container.decodeIfPresent([Relationship].self, forKey: .relationships) ?? []
    }

    static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding {
        key.stringValue == CodingKeys.xmlns.rawValue ? .attribute : .element
    }

    /// The first relationship of a type. Matched on the last path segment, since Strict Open XML
    /// files use `http://purl.oclc.org/ooxml/...` type URIs for the same relationships.
    func first(ofType type: String) -> Relationship? {
        let kind = type.split(separator: "/").last.map(String.init) ?? type
        return relationships.first { $0.type.split(separator: "/").last.map(String.init) == kind }
    }

    func target(id: String) -> String? {
        relationships.first { $0.id == id }?.target
    }

    /// A relationship target as a zip member path: targets are relative to the source part's
    /// folder unless they start with `/`.
    static func resolve(_ target: String, from sourceFolder: String) -> String {
        if target.hasPrefix("/") { return String(target.dropFirst()) }
        var parts = sourceFolder.split(separator: "/").map(String.init)
        for segment in target.split(separator: "/") {
            switch segment {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(String(segment))
            }
        }
        return parts.joined(separator: "/")
    }
}
