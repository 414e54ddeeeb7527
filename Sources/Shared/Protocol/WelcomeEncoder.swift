import Foundation

/// Writes `welcome` by hand. It carries every cell of the grid, and for a large grid the generic
/// encoder (boxing each of 100,000 cells and sorting their addresses) took most of a login. The
/// JSON is the same message `WireCodec` would write, except that the `cells` and `contested`
/// members are in no particular order (member order carries no meaning, docs/PROTOCOL.md §1).
public enum WelcomeEncoder {
    public static func encode(_ welcome: ServerMessage.Welcome) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256 + welcome.cells.count * 96)
        out.append(contentsOf: #"{"cells":{"#.utf8)
        var first = true
        for (cell, state) in welcome.cells {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            appendString(cell, to: &out)
            out.append(contentsOf: #":{"at":"#.utf8)
            out.append(contentsOf: String(state.at).utf8)
            out.append(contentsOf: #","user":"#.utf8)
            appendString(state.user, to: &out)
            if let value = state.value {
                out.append(contentsOf: #","value":"#.utf8)
                appendString(value, to: &out)
            }
            out.append(contentsOf: #","version":"#.utf8)
            appendString(state.version.description, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: #"},"contested":{"#.utf8)
        first = true
        for (cell, version) in welcome.contested {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            appendString(cell, to: &out)
            out.append(UInt8(ascii: ":"))
            appendString(version.description, to: &out)
        }
        out.append(contentsOf: #"},"durable":"#.utf8)
        appendString(welcome.durable.description, to: &out)
        out.append(contentsOf: #","grid":"#.utf8)
        appendString(welcome.grid, to: &out)
        if let start = welcome.historyStart {
            out.append(contentsOf: #","historyStart":"#.utf8)
            appendString(start.description, to: &out)
        }
        out.append(contentsOf: #","protocol":"#.utf8)
        out.append(contentsOf: String(welcome.protocol).utf8)
        out.append(contentsOf: #","server":"#.utf8)
        appendString(welcome.server, to: &out)
        out.append(contentsOf: #","session":"#.utf8)
        appendString(welcome.session, to: &out)
        out.append(contentsOf: #","type":"welcome","user":"#.utf8)
        appendString(welcome.user, to: &out)
        // A handful of entries: the generic encoder is fine here.
        out.append(contentsOf: #","users":"#.utf8)
        out.append(contentsOf: WireCodec.encodeJSON(welcome.users).utf8)
        out.append(contentsOf: #","version":"#.utf8)
        appendString(welcome.version.description, to: &out)
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A JSON string: quotes, backslashes and control characters escaped, everything else as is.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
