/// Builds an XML part as UTF-8 bytes. Used for the parts whose size grows with the sheet (the
/// worksheet and shared strings): XMLCoder builds a tree of boxes first and took 3.5 s to encode
/// 100,000 cells in release, beyond the 3 s export budget; appending bytes takes a fraction of that.
struct XMLBuffer: Sendable {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    mutating func append(_ markup: StaticString) {
        markup.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func append(raw: String) {
        bytes.append(contentsOf: raw.utf8)
    }

    mutating func append(_ number: Int) {
        bytes.append(contentsOf: String(number).utf8)
    }

    /// Text content, escaped for XML and for OOXML's string type (ECMA-376 ST_Xstring):
    /// `&`, `<`, `>` as entities; CR as `&#13;`, since parsers turn a raw CR into LF; control
    /// characters XML 1.0 cannot hold, and U+FFFE/U+FFFF, as `_xHHHH_`; and a literal `_xHHHH_` with
    /// its underscore escaped (`_x005F_`), so readers do not decode it.
    mutating func appendText(_ text: String) {
        let utf8 = text.utf8
        // Fast path for the common case: nothing to escape.
        if !utf8.contains(where: { $0 < 0x20 || $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x5F || $0 == 0xEF }) {
            bytes.append(contentsOf: utf8)
            return
        }
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            switch scalar.value {
            case 0x26: append("&amp;")
            case 0x3C: append("&lt;")
            case 0x3E: append("&gt;")
            case 0x0D: append("&#13;")
            case 0x09, 0x0A: bytes.append(UInt8(scalar.value))
            case 0x00..<0x20, 0xFFFE, 0xFFFF: appendHexEscape(scalar.value)
            case 0x5F where Self.escapeAt(scalars, index + 1) != nil: append("_x005F_")
            default: bytes.append(contentsOf: String(scalar).utf8)
            }
        }
    }

    /// An attribute value in double quotes; the same escaping plus `"`, and tab/LF as character
    /// references, since attribute normalization would turn them into spaces.
    mutating func appendAttribute(_ text: String) {
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x26: append("&amp;")
            case 0x3C: append("&lt;")
            case 0x3E: append("&gt;")
            case 0x22: append("&quot;")
            case 0x09: append("&#9;")
            case 0x0A: append("&#10;")
            case 0x0D: append("&#13;")
            case 0x00..<0x20, 0xFFFE, 0xFFFF: appendHexEscape(scalar.value)
            default: bytes.append(contentsOf: String(scalar).utf8)
            }
        }
    }

    private mutating func appendHexEscape(_ value: UInt32) {
        let hex = String(value, radix: 16, uppercase: true)
        append(raw: "_x" + String(repeating: "0", count: 4 - hex.count) + hex + "_")
    }

    /// Decodes OOXML `_xHHHH_` escapes in text read from a file (`_x005F_` is a literal underscore).
    static func decodeEscapes(_ text: String) -> String {
        guard text.utf8.contains(0x5F) else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if scalars[i] == "_", let value = escapeAt(scalars, i + 1), let decoded = Unicode.Scalar(value) {
                out.append(decoded)
                i += 7
            } else {
                out.append(scalars[i])
                i += 1
            }
        }
        return String(out)
    }

    /// The code unit of `xHHHH_` starting at `i` (just after an underscore), if there is one.
    private static func escapeAt(_ scalars: [Unicode.Scalar], _ i: Int) -> UInt32? {
        guard i + 5 < scalars.count, scalars[i] == "x", scalars[i + 5] == "_" else { return nil }
        var value: UInt32 = 0
        for k in 1...4 {
            guard let digit = hexDigit(scalars[i + k]) else { return nil }
            value = value * 16 + digit
        }
        return value
    }

    private static func hexDigit(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": scalar.value - 0x30
        case "a"..."f": scalar.value - 0x61 + 10
        case "A"..."F": scalar.value - 0x41 + 10
        default: nil
        }
    }
}
