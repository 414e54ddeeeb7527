/// Writes the `cells` of a multi-cell message by hand: a paste or an import chunk carries up to
/// 10,000 of them, and the generic encoder spent a quarter of a server's time (and of a client's)
/// boxing each one. The rest of the message still goes through `WireCodec.encodeJSON`; the cells
/// are added as its last member (member order carries no meaning, docs/PROTOCOL.md §1). The JSON
/// of each cell is what the Codable form writes.
enum CellListEncoder {
    /// Lists shorter than this go through the generic encoder, unchanged.
    static let threshold = 32

    /// `json`, an object without `cells`, with `"cells":[…]` added before its closing brace.
    static func adding(_ cells: [CellChange], to json: String) -> String {
        var out = Array(json.utf8)
        guard out.last == UInt8(ascii: "}") else { return json }
        out.removeLast()
        out.reserveCapacity(out.count + cells.count * 64 + 16)
        out.append(contentsOf: (out.last == UInt8(ascii: "{") ? #""cells":["# : #","cells":["#).utf8)
        for (index, change) in cells.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            append(change, to: &out)
        }
        out.append(contentsOf: "]}".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    private static func append(_ change: CellChange, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        if let base = change.base {
            out.append(contentsOf: #""base":"#.utf8)
            WelcomeEncoder.appendString(base.description, to: &out)
            out.append(UInt8(ascii: ","))
        }
        out.append(contentsOf: #""cell":"#.utf8)
        WelcomeEncoder.appendString(change.cell, to: &out)
        if let old = change.old {
            out.append(contentsOf: #","old":"#.utf8)
            WelcomeEncoder.appendString(old, to: &out)
        }
        if let value = change.value {
            out.append(contentsOf: #","value":"#.utf8)
            WelcomeEncoder.appendString(value, to: &out)
        }
        if let winner = change.winner {
            out.append(contentsOf: #","winner":{"at":"#.utf8)
            out.append(contentsOf: String(winner.at).utf8)
            out.append(contentsOf: #","user":"#.utf8)
            WelcomeEncoder.appendString(winner.user, to: &out)
            if let value = winner.value {
                out.append(contentsOf: #","value":"#.utf8)
                WelcomeEncoder.appendString(value, to: &out)
            }
            out.append(contentsOf: #","version":"#.utf8)
            WelcomeEncoder.appendString(winner.version.description, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "}"))
    }
}
