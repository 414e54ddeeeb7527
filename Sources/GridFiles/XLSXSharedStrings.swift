import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads `xl/sharedStrings.xml`: the text of each `<si>`, its runs joined, phonetic guides
/// (`<rPh>`) left out. A SAX pass (Foundation's XMLParser, which XMLCoder also runs on) since the
/// table grows with the sheet; see `XMLBuffer` for the measurements.
final class XLSXSharedStrings: NSObject, XMLParserDelegate {
    private(set) var strings: [String] = []
    private var current = ""
    private var inItem = false
    private var inText = false
    private var phoneticDepth = 0
    /// libxml2 recovers from some errors; a table it had to guess at is not used.
    private var malformed = false

    /// The table, or a message saying where the XML is broken.
    static func read(_ data: Data) -> Result<[String], XMLPartFailure> {
        let reader = XLSXSharedStrings()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.delegate = reader
        guard parser.parse(), !reader.malformed else { return .failure(XMLPartFailure(parser)) }
        return .success(reader.strings)
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        switch elementName {
        case "si":
            inItem = true
            current = ""
        case "rPh":
            phoneticDepth += 1
        case "t":
            inText = inItem && phoneticDepth == 0
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        switch elementName {
        case "si":
            strings.append(XMLBuffer.decodeEscapes(current))
            inItem = false
        case "rPh":
            phoneticDepth -= 1
        case "t":
            inText = false
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        malformed = true
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { current += string }
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        if inText { current += String(decoding: CDATABlock, as: UTF8.self) }
    }
}
