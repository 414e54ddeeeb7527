import Shared

/// Reads the top-level members of one JSON object frame. Nested objects and arrays are skipped,
/// not parsed; string values with escapes are unescaped only for the common escapes, which is all
/// the bench's own values and the server's ids ever contain.
public enum FrameScanner {
    /// Classifies a server frame; nil if it is not a JSON object with a `type`.
    public static func scan(_ text: String) -> BenchFrame? {
        var text = text
        return text.withUTF8 { bytes in
            let members = topLevelStrings(bytes)
            guard let type = members["type"] else { return nil }
            switch type {
            case "event":
                guard let id = members["id"].flatMap({ Version($0) }), let kind = members["kind"] else { return nil }
                return .event(id: id, kind: kind, cell: members["cell"], op: members["op"], value: members["value"], group: members["group"])
            case "ack":
                guard let op = members["op"], let version = members["version"].flatMap({ Version($0) }) else { return nil }
                return .ack(op: op, version: version)
            case "conflict":
                guard let op = members["op"], let version = members["version"].flatMap({ Version($0) }) else { return nil }
                return .conflict(op: op, version: version)
            case "durable":
                guard let version = members["version"].flatMap({ Version($0) }) else { return nil }
                return .durable(version)
            case "welcome":
                guard let version = members["version"].flatMap({ Version($0) }) else { return nil }
                return .welcome(version: version, server: members["server"] ?? "")
            case "error":
                return .error(code: members["code"] ?? "", fatal: members["fatal"] == "true", op: members["op"])
            default:
                return .other(type: type)
            }
        }
    }

    /// Top-level members whose values are strings or literals (true/false/numbers, as text).
    static func topLevelStrings(_ bytes: UnsafeBufferPointer<UInt8>) -> [String: String] {
        var members: [String: String] = [:]
        var index = 0
        let count = bytes.count
        func skipSpace() { while index < count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 } }
        skipSpace()
        guard index < count, bytes[index] == UInt8(ascii: "{") else { return members }
        index += 1
        while index < count {
            skipSpace()
            guard index < count else { break }
            if bytes[index] == UInt8(ascii: "}") { break }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            guard bytes[index] == UInt8(ascii: "\"") else { return members }
            guard let key = readString(bytes, &index) else { return members }
            skipSpace()
            guard index < count, bytes[index] == UInt8(ascii: ":") else { return members }
            index += 1
            skipSpace()
            guard index < count else { break }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                guard let value = readString(bytes, &index) else { return members }
                members[key] = value
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard skipNested(bytes, &index) else { return members }
            default:
                let start = index
                while index < count, bytes[index] != UInt8(ascii: ","), bytes[index] != UInt8(ascii: "}") { index += 1 }
                members[key] = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                    .trimmingSpaces()
            }
        }
        return members
    }

    /// Reads a string starting at its opening quote; leaves `index` after the closing quote.
    static func readString(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> String? {
        index += 1
        let start = index
        var escaped = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                escaped = true
                index += 2
                continue
            }
            if byte == UInt8(ascii: "\"") {
                let raw = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return escaped ? unescape(raw) : raw
            }
            index += 1
        }
        return nil
    }

    static func skipNested(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Bool {
        var depth = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                guard readString(bytes, &index) != nil else { return false }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 {
                    index += 1
                    return true
                }
            default:
                break
            }
            index += 1
        }
        return false
    }

    static func unescape(_ raw: String) -> String {
        var out = ""
        var iterator = raw.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            guard scalar == "\\", let next = iterator.next() else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch next {
            case "n": out += "\n"
            case "t": out += "\t"
            case "r": out += "\r"
            case "b": out += "\u{08}"
            case "f": out += "\u{0C}"
            case "u":
                var hex = ""
                for _ in 0..<4 { if let h = iterator.next() { hex.unicodeScalars.append(h) } }
                if let code = UInt32(hex, radix: 16), let decoded = Unicode.Scalar(code) { out.unicodeScalars.append(decoded) }
            default: out.unicodeScalars.append(next)
            }
        }
        return out
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var view = Substring(self)
        while view.first == " " { view.removeFirst() }
        while view.last == " " { view.removeLast() }
        return String(view)
    }
}
