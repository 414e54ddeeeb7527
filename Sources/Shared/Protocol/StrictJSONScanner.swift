/// Checks a client frame's bytes before Foundation decodes them, for what `JSONDecoder` lets
/// through or reports too vaguely: invalid UTF-8, duplicate member names (Foundation silently
/// keeps one, so two parties could read the same frame differently), nesting deep enough to
/// cost real stack, and numbers that no integer field can hold (Foundation names no field for
/// them). It follows RFC 8259 exactly and allocates only for member names. It is iterative, so
/// hostile nesting cannot overflow the stack.
public struct StrictJSONScanner: Sendable {
    /// Objects and arrays nested deeper than this are rejected. Client frames need 1.
    public var maxDepth: Int

    public init(maxDepth: Int = 32) {
        self.maxDepth = maxDepth
    }

    /// What the scan learned about a valid document.
    public struct Report: Hashable, Sendable {
        /// Top-level members (in order) whose value is a number that is not an integer in
        /// Int64's range, for naming the field when a decoder refuses it.
        public var nonIntegerMembers: [String] = []
        /// Top-level members with short string values: all of them from `scanPrefix`, `type` only
        /// from `scan`.
        public var topLevelStrings: [String: String] = [:]
    }

    public struct Failure: Error, Hashable, Sendable {
        public enum Reason: Hashable, Sendable {
            case invalidUTF8
            case syntax(String)
            case tooDeep(Int)
            case duplicateMember(String)
        }
        public let reason: Reason
        /// Byte offset where the problem was found.
        public let offset: Int
    }

    public func scan(_ bytes: some Collection<UInt8>) throws(Failure) -> Report {
        let array = Array(bytes)
        guard String(validating: array, as: UTF8.self) != nil else { throw Failure(reason: .invalidUTF8, offset: 0) }
        var parser = Parser(bytes: array, maxDepth: maxDepth)
        return try parser.run()
    }

    /// What can be read from the start of a document that was cut off (an over-size message):
    /// the top-level string members seen before the cut, or before the first error. Nothing is
    /// validated; the result only helps to say which request a refusal answers.
    public func scanPrefix(_ bytes: some Collection<UInt8>) -> Report {
        var parser = Parser(bytes: Array(bytes), maxDepth: maxDepth)
        parser.collectsStrings = true
        _ = try? parser.run()
        return parser.report
    }

    private struct Parser {
        let bytes: [UInt8]
        let maxDepth: Int
        var index = 0
        var report = Report()
        var collectsStrings = false

        enum Container {
            case object(names: Set<String>)
            case array
        }

        enum Expect { case value, member, afterValue }

        init(bytes: [UInt8], maxDepth: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
        }

        mutating func run() throws(Failure) -> Report {
            var stack: [Container] = []
            var expect = Expect.value
            var topMember: String?
            while true {
                skipWhitespace()
                switch expect {
                case .value:
                    guard let byte = peek() else { throw fail("unexpected end of input") }
                    switch byte {
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        guard stack.count < maxDepth else { throw Failure(reason: .tooDeep(maxDepth), offset: index) }
                        index += 1
                        skipWhitespace()
                        if byte == UInt8(ascii: "{") {
                            if peek() == UInt8(ascii: "}") { index += 1; expect = .afterValue } else { stack.append(.object(names: [])); expect = .member }
                        } else {
                            if peek() == UInt8(ascii: "]") { index += 1; expect = .afterValue } else { stack.append(.array); expect = .value }
                        }
                        continue
                    case UInt8(ascii: "\""):
                        // `type` always: it picks the decoder (`MultiEditDecoder` for `multi`).
                        if stack.count == 1, let topMember, collectsStrings || topMember == "type" {
                            let value = try readString()
                            if value.utf8.count <= 256 { report.topLevelStrings[topMember] = value }
                        } else {
                            try skipString()
                        }
                    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                        let isInteger = try scanNumber()
                        if !isInteger, stack.count == 1, let topMember { report.nonIntegerMembers.append(topMember) }
                    case UInt8(ascii: "t"): try literal("true")
                    case UInt8(ascii: "f"): try literal("false")
                    case UInt8(ascii: "n"): try literal("null")
                    default: throw fail("unexpected character")
                    }
                    expect = .afterValue
                case .member:
                    guard peek() == UInt8(ascii: "\"") else { throw fail("expected a member name in double quotes") }
                    let nameOffset = index
                    let name = try readString()
                    guard case .object(var names) = stack.removeLast() else { throw fail("internal: member outside an object") }
                    guard names.insert(name).inserted else { throw Failure(reason: .duplicateMember(name), offset: nameOffset) }
                    stack.append(.object(names: names))
                    if stack.count == 1 { topMember = name }
                    skipWhitespace()
                    guard peek() == UInt8(ascii: ":") else { throw fail("expected ':' after a member name") }
                    index += 1
                    expect = .value
                case .afterValue:
                    guard let container = stack.last else {
                        guard index == bytes.count else { throw fail("unexpected data after the JSON value") }
                        return report
                    }
                    switch (peek(), container) {
                    case (UInt8(ascii: ","), .object):
                        index += 1
                        skipWhitespace()
                        expect = .member
                    case (UInt8(ascii: ","), .array):
                        index += 1
                        expect = .value
                    case (UInt8(ascii: "}"), .object), (UInt8(ascii: "]"), .array):
                        index += 1
                        stack.removeLast()
                        expect = .afterValue
                    case (nil, _):
                        throw fail("unexpected end of input")
                    default:
                        throw fail("expected ',' or the end of the object or array")
                    }
                }
            }
        }

        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

        func fail(_ message: String) -> Failure { Failure(reason: .syntax(message), offset: index) }

        mutating func skipWhitespace() {
            while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        mutating func literal(_ word: StaticString) throws(Failure) {
            let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
            guard bytes.count - index >= expected.count, bytes[index..<index + expected.count].elementsEqual(expected) else {
                throw fail("unexpected character")
            }
            index += expected.count
        }

        /// True when the number is an integer literal that fits Int64.
        mutating func scanNumber() throws(Failure) -> Bool {
            let start = index
            var isInteger = true
            if peek() == UInt8(ascii: "-") { index += 1 }
            guard let first = peek(), isDigit(first) else { throw fail("a number needs digits") }
            index += 1
            if first != UInt8(ascii: "0") { while let byte = peek(), isDigit(byte) { index += 1 } }
            if peek() == UInt8(ascii: ".") {
                isInteger = false
                index += 1
                guard let byte = peek(), isDigit(byte) else { throw fail("a fraction needs digits") }
                while let byte = peek(), isDigit(byte) { index += 1 }
            }
            if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
                isInteger = false
                index += 1
                if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
                guard let byte = peek(), isDigit(byte) else { throw fail("an exponent needs digits") }
                while let byte = peek(), isDigit(byte) { index += 1 }
            }
            if isInteger, Int64(String(decoding: bytes[start..<index], as: UTF8.self)) == nil { isInteger = false }
            return isInteger
        }

        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        mutating func skipString() throws(Failure) {
            try string { _ in }
        }

        mutating func readString() throws(Failure) -> String {
            var decoded: [UInt8] = []
            try string { decoded.append($0) }
            return String(decoding: decoded, as: UTF8.self)
        }

        /// Walks one string from its opening quote, handing each decoded UTF-8 byte to `emit`.
        mutating func string(_ emit: (UInt8) -> Void) throws(Failure) {
            index += 1
            while true {
                guard let byte = peek() else { throw fail("unterminated string") }
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    return
                case UInt8(ascii: "\\"):
                    index += 1
                    guard let escape = peek() else { throw fail("unterminated string") }
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): emit(escape)
                    case UInt8(ascii: "b"): emit(0x08)
                    case UInt8(ascii: "f"): emit(0x0C)
                    case UInt8(ascii: "n"): emit(0x0A)
                    case UInt8(ascii: "r"): emit(0x0D)
                    case UInt8(ascii: "t"): emit(0x09)
                    case UInt8(ascii: "u"):
                        let scalar = try unicodeEscape()
                        for unit in String(Character(scalar)).utf8 { emit(unit) }
                    default: throw fail("invalid escape sequence")
                    }
                case 0x00..<0x20:
                    throw fail("control character in a string; escape it")
                default:
                    emit(byte)
                    index += 1
                }
            }
        }

        /// The scalar of a `\uXXXX` escape (after the `u`), joining a surrogate pair.
        mutating func unicodeEscape() throws(Failure) -> Unicode.Scalar {
            let high = try hex4()
            if (0xDC00...0xDFFF).contains(high) { throw fail("a lone low surrogate escape") }
            guard (0xD800...0xDBFF).contains(high) else {
                guard let scalar = Unicode.Scalar(high) else { throw fail("invalid \\u escape") }
                return scalar
            }
            guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw fail("a high surrogate escape without its low half")
            }
            index += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw fail("a high surrogate escape without its low half") }
            guard let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) else { throw fail("invalid \\u escape") }
            return scalar
        }

        mutating func hex4() throws(Failure) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let byte = peek() else { throw fail("a \\u escape needs four hex digits") }
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: throw fail("a \\u escape needs four hex digits")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }
    }
}
