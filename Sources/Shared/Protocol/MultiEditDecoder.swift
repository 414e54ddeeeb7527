/// Reads a `multi` message straight from its bytes: a paste or an import chunk carries up to
/// 10,000 cells, and Foundation's JSONDecoder spent most of a server's time on them (a 10,000-cell
/// paste: 23% of the server's CPU, docs/BENCHMARKS.md).
///
/// It runs after `StrictJSONScanner` accepted the frame, so the JSON is well formed. It reads
/// what `ClientMessage.Edit`'s Codable form reads (unknown members are skipped, nulls are
/// absent) and gives up, returning nil, on anything else: a member of an unexpected type, a
/// cell without its base, a bad version, a repeated member, `old` or `winner` in a cell. The
/// caller then decodes with JSONDecoder, which names the error exactly as before. Pure.
public struct MultiEditDecoder {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    /// In a server's event the cells carry `old` and `winner` too; in a client's edit they
    /// make the decoder give up.
    private var readsOutcomes = false

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// For a server message (a `multi` or `multi.conflict` event): its top-level `cells` read by
    /// hand, and the rest of the message without that member, for the generic decoder. nil when
    /// there is no such member or anything is unexpected.
    public static func splitCells(_ bytes: UnsafeBufferPointer<UInt8>) -> (rest: [UInt8], cells: [CellChange])? {
        var decoder = MultiEditDecoder(bytes)
        decoder.readsOutcomes = true
        return decoder.split()
    }

    private mutating func split() -> (rest: [UInt8], cells: [CellChange])? {
        guard begin(UInt8(ascii: "{")) else { return nil }
        let first = index
        var previousComma: Int?
        while true {
            let keyStart = index
            guard let key = nextKey() else { return nil }
            if key == "cells" {
                guard let cells = cellList() else { return nil }
                let valueEnd = index
                guard separator(UInt8(ascii: "}")) else { return nil }
                var rest: [UInt8]
                if pendingClose {
                    // The last member: drop the comma before it, keep the closing brace.
                    rest = Array(bytes[..<(previousComma ?? first)])
                    rest.append(contentsOf: bytes[valueEnd...].drop(while: { $0 != UInt8(ascii: "}") }))
                } else {
                    rest = Array(bytes[..<keyStart]) + Array(bytes[index...])
                }
                return (rest, cells)
            }
            guard skipValue() else { return nil }
            let beforeSeparator = index
            guard separator(UInt8(ascii: "}")) else { return nil }
            if pendingClose { return nil }
            previousComma = beforeSeparator
        }
    }

    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> ClientMessage.Edit? {
        var decoder = MultiEditDecoder(bytes)
        return decoder.message()
    }

    private mutating func message() -> ClientMessage.Edit? {
        var type: String?, op: String?, label: String?, group: String?, resend: Bool?, cells: [CellChange]?
        var seen = Set<String>()
        guard begin(UInt8(ascii: "{")) else { return nil }
        while let key = nextKey() {
            guard seen.insert(key).inserted else { return nil }
            switch key {
            case "type": guard let text = string() else { return nil }; type = text
            case "op": guard let text = string() else { return nil }; op = text
            case "label": guard let text = optionalString() else { return nil }; label = text
            case "group": guard let text = optionalString() else { return nil }; group = text
            case "resend":
                guard let flag = optionalBool() else { return nil }
                resend = flag
            case "cells": guard let list = cellList() else { return nil }; cells = list
            default: guard skipValue() else { return nil }
            }
            guard separator(UInt8(ascii: "}")) else { return nil }
        }
        guard type == "multi", let op, let cells else { return nil }
        return ClientMessage.Edit(multi: op, cells: cells, label: label ?? "edit", group: group, resend: resend)
    }

    private mutating func cellList() -> [CellChange]? {
        guard begin(UInt8(ascii: "[")) else { return nil }
        var cells: [CellChange] = []
        skipSpace()
        if peek == UInt8(ascii: "]") { index += 1; return cells }
        while true {
            guard let cell = cellObject() else { return nil }
            cells.append(cell)
            skipSpace()
            guard index < bytes.count else { return nil }
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "]") { return cells }
            guard byte == UInt8(ascii: ",") else { return nil }
        }
    }

    private mutating func cellObject() -> CellChange? {
        skipSpace()
        guard begin(UInt8(ascii: "{")) else { return nil }
        var cell: String?, value: String?, base: Version?, old: String?, winner: CellState?
        var seen: UInt8 = 0
        while let key = nextKey() {
            switch key {
            case "cell":
                guard seen & 1 == 0, let text = string() else { return nil }
                seen |= 1; cell = text
            case "value":
                guard seen & 2 == 0, let text = optionalString() else { return nil }
                seen |= 2; value = text
            case "base":
                guard seen & 4 == 0, let text = string(), let version = Version(text) else { return nil }
                seen |= 4; base = version
            case "old" where readsOutcomes:
                guard seen & 8 == 0, let text = optionalString() else { return nil }
                seen |= 8; old = text
            case "winner" where readsOutcomes:
                guard seen & 16 == 0, let state = optionalWinner() else { return nil }
                seen |= 16; winner = state
            case "old", "winner":
                return nil
            default:
                guard skipValue() else { return nil }
            }
            guard separator(UInt8(ascii: "}")) else { return nil }
        }
        guard let cell, base != nil || readsOutcomes else { return nil }
        return CellChange(cell: cell, value: value, base: base, old: old, winner: winner)
    }

    /// A conflict's winner, `{"at":…,"user":…,"value":…,"version":…}`, or null.
    private mutating func optionalWinner() -> CellState?? {
        skipSpace()
        if literal("null") { return .some(nil) }
        guard begin(UInt8(ascii: "{")) else { return nil }
        var at: Int64?, user: String?, value: String?, version: Version?
        while let key = nextKey() {
            switch key {
            case "at": guard let number = integer() else { return nil }; at = number
            case "user": guard let text = string() else { return nil }; user = text
            case "value": guard let text = optionalString() else { return nil }; value = text
            case "version": guard let text = string(), let parsed = Version(text) else { return nil }; version = parsed
            default: guard skipValue() else { return nil }
            }
            guard separator(UInt8(ascii: "}")) else { return nil }
        }
        guard let at, let user, let version else { return nil }
        return .some(CellState(value: value, version: version, user: user, at: at))
    }

    private mutating func integer() -> Int64? {
        skipSpace()
        let start = index
        if peek == UInt8(ascii: "-") { index += 1 }
        while let byte = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
        return Int64(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
    }

    // MARK: Tokens

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    /// Opens an object or array; an object's first `nextKey` follows.
    private mutating func begin(_ byte: UInt8) -> Bool {
        skipSpace()
        guard peek == byte else { return false }
        index += 1
        pendingClose = false
        return true
    }

    /// Set when a member was followed by the object's `}`.
    private var pendingClose = false

    /// The next member's key and its colon, or nil at the object's end.
    private mutating func nextKey() -> String? {
        if pendingClose { pendingClose = false; return nil }
        skipSpace()
        if peek == UInt8(ascii: "}") { index += 1; return nil }
        guard let key = string() else { return nil }
        skipSpace()
        guard peek == UInt8(ascii: ":") else { return nil }
        index += 1
        return key
    }

    /// After a member: a comma (another member follows) or the closing brace.
    private mutating func separator(_ close: UInt8) -> Bool {
        skipSpace()
        guard let byte = peek else { return false }
        index += 1
        if byte == UInt8(ascii: ",") { return true }
        if byte == close { pendingClose = true; return true }
        return false
    }

    /// `.some(nil)` for null.
    private mutating func optionalString() -> String?? {
        skipSpace()
        if literal("null") { return .some(nil) }
        return string().map { .some($0) }
    }

    private mutating func optionalBool() -> Bool?? {
        skipSpace()
        if literal("null") { return .some(nil) }
        if literal("true") { return .some(true) }
        if literal("false") { return .some(false) }
        return nil
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
        index += count
        return true
    }

    private mutating func string() -> String? {
        skipSpace()
        guard peek == UInt8(ascii: "\"") else { return nil }
        index += 1
        let start = index
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            case UInt8(ascii: "\\"):
                index = start
                return escapedString()
            default:
                index += 1
            }
        }
        return nil
    }

    /// A string with escapes, from just after its opening quote.
    private mutating func escapedString() -> String? {
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        func flush() {
            scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
            raw.removeAll(keepingCapacity: true)
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") { flush(); return String(scalars) }
            guard byte == UInt8(ascii: "\\") else { raw.append(byte); continue }
            guard let escape = peek else { return nil }
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): raw.append(escape)
            case UInt8(ascii: "b"): raw.append(0x08)
            case UInt8(ascii: "f"): raw.append(0x0C)
            case UInt8(ascii: "n"): raw.append(0x0A)
            case UInt8(ascii: "r"): raw.append(0x0D)
            case UInt8(ascii: "t"): raw.append(0x09)
            case UInt8(ascii: "u"):
                guard var code = hex4() else { return nil }
                if (0xD800...0xDBFF).contains(code) {
                    guard literal("\\u"), let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { return nil }
                flush()
                scalars.append(scalar)
            default:
                return nil
            }
        }
        return nil
    }

    private mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value << 4 | UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value << 4 | UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = value << 4 | UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }
        return value
    }

    /// Skips any well-formed value (the scanner has checked the syntax).
    private mutating func skipValue() -> Bool {
        skipSpace()
        guard let byte = peek else { return false }
        switch byte {
        case UInt8(ascii: "\""):
            return string() != nil
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    guard string() != nil else { return false }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { index += 1; return true }
                default: break
                }
                index += 1
            }
            return false
        default:
            while index < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]")].contains(bytes[index]) { index += 1 }
            return true
        }
    }
}
