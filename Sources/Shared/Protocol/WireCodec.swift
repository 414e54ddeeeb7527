import Foundation

/// Encodes and decodes protocol frames (JSON text), mapping every decoding failure to a
/// `ProtocolError` with a stable code so that a bad frame is answered, never fatal.
public struct WireCodec: Sendable {
    public init() {}

    public func encode(_ message: ServerMessage) -> String {
        if case .event(var event) = message, let cells = event.cells, cells.count >= CellListEncoder.threshold {
            event.cells = nil
            return CellListEncoder.adding(cells, to: Self.encodeJSON(ServerMessage.event(event)))
        }
        return Self.encodeJSON(message)
    }

    public func encode(_ message: ClientMessage) -> String {
        if case .edit(var edit) = message, edit.kind == .multi, let cells = edit.cells, cells.count >= CellListEncoder.threshold {
            edit.cells = []
            // The Codable form always writes `cells`, and with sorted keys it comes first: the
            // hand-written list replaces that empty one.
            let json = Self.encodeJSON(ClientMessage.edit(edit))
            let emptyCells = #"{"cells":[],"#
            guard json.hasPrefix(emptyCells) else { return Self.encodeJSON(message) }
            return CellListEncoder.adding(cells, to: "{" + json.dropFirst(emptyCells.count))
        }
        return Self.encodeJSON(message)
    }

    /// Decodes a client frame strictly: on top of what the message types require, the frame must
    /// be valid UTF-8 and RFC 8259 JSON with no member named twice and little nesting, so that
    /// every party reads a frame the same way (see `StrictJSONScanner`).
    public func decodeClientMessage(_ text: String) throws(ProtocolError) -> ClientMessage {
        try decodeClientMessage(bytes: Array(text.utf8))
    }

    /// The same, from a text frame's raw payload, which may not be valid UTF-8.
    public func decodeClientMessage(bytes: some Collection<UInt8>) throws(ProtocolError) -> ClientMessage {
        let data = Data(bytes)
        let report: StrictJSONScanner.Report
        do {
            report = try StrictJSONScanner().scan(data)
        } catch {
            throw Self.protocolError(for: error)
        }
        if report.topLevelStrings["type"] == "multi",
            let edit = data.withUnsafeBytes({ MultiEditDecoder.decode($0.bindMemory(to: UInt8.self)) }) {
            return .edit(edit)
        }
        do {
            return try JSONDecoder().decode(ClientMessage.self, from: data)
        } catch let unknown as UnknownMessageType {
            throw ProtocolError(.unknownType, "unknown message type '\(unknown.name.prefix(40))'; see docs/PROTOCOL.md for the list")
        } catch let error as DecodingError {
            // Foundation reports a number that fits no integer field at the root, naming no
            // field; the scan knows which member holds such a number.
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty, let member = report.nonIntegerMembers.first {
                throw Self.notAnInteger(member)
            }
            throw Self.protocolError(for: error)
        } catch {
            if let member = report.nonIntegerMembers.first { throw Self.notAnInteger(member) }
            throw ProtocolError(.badFrame, "the frame is not valid JSON")
        }
    }

    /// The `op` of an edit whose message was cut off (too large to read), so that the refusal
    /// can name the edit and the client can drop it; nil if the start does not show one.
    public func editOp(inPrefix prefix: some Collection<UInt8>) -> String? {
        let strings = StrictJSONScanner().scanPrefix(prefix).topLevelStrings
        guard let type = strings["type"], EditKind(rawValue: type) != nil, let op = strings["op"],
              (1...128).contains(op.utf8.count)
        else { return nil }
        return op
    }

    public func decodeServerMessage(_ text: String) throws(ProtocolError) -> ServerMessage {
        // A paste or an import chunk: its cells by hand (`MultiEditDecoder`), the rest generically.
        // Only well-formed JSON is cut apart: the rest then stays well formed, and the generic
        // decoder never meets a splice of a broken frame (the fuzzer crashed Foundation's
        // error reporting with one).
        if text.utf8.count > 4096, (try? StrictJSONScanner().scan(text.utf8)) != nil {
            var copy = text
            if let (rest, cells) = copy.withUTF8({ MultiEditDecoder.splitCells($0) }),
                case .event(var event) = try Self.decodeJSON(ServerMessage.self, String(decoding: rest, as: UTF8.self)) {
                event.cells = cells
                return .event(event)
            }
        }
        return try Self.decodeJSON(ServerMessage.self, text)
    }

    static func encodeJSON(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            // Every message type is plain strings and numbers; failing here is a programming error.
            preconditionFailure("protocol message failed to encode: \(error)")
        }
    }

    private static func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String) throws(ProtocolError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch let unknown as UnknownMessageType {
            throw ProtocolError(.unknownType, "unknown message type '\(unknown.name.prefix(40))'; see docs/PROTOCOL.md for the list")
        } catch let error as DecodingError {
            throw Self.protocolError(for: error)
        } catch {
            throw ProtocolError(.badFrame, "the frame is not valid JSON")
        }
    }

    private static func notAnInteger(_ member: String) -> ProtocolError {
        ProtocolError(.badField, "field '\(member.prefix(40))' must be a whole number without fraction or exponent, within 64 bits")
    }

    private static func protocolError(for failure: StrictJSONScanner.Failure) -> ProtocolError {
        switch failure.reason {
        case .invalidUTF8:
            return ProtocolError(.badFrame, "the frame is not valid UTF-8; send text frames in UTF-8")
        case .syntax(let detail):
            return ProtocolError(.badFrame, "the frame is not valid JSON (\(detail) at byte \(failure.offset)); send one JSON object per text frame")
        case .tooDeep(let depth):
            return ProtocolError(.badFrame, "the frame nests objects or arrays deeper than \(depth) levels; protocol frames are flat objects")
        case .duplicateMember(let name):
            return ProtocolError(.badField, "member '\(name.prefix(40))' appears more than once; send each member once")
        }
    }

    private static func protocolError(for error: DecodingError) -> ProtocolError {
        func path(_ codingPath: [any CodingKey], _ key: (any CodingKey)? = nil) -> String {
            let names = (codingPath + (key.map { [$0] } ?? [])).map { $0.intValue.map(String.init) ?? $0.stringValue }
            return names.isEmpty ? "the frame" : "'\(names.joined(separator: "."))'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            if key.stringValue == "type" && context.codingPath.isEmpty {
                return ProtocolError(.badFrame, "the frame has no 'type'; every frame is a JSON object with a 'type' member")
            }
            return ProtocolError(.badField, "missing field \(path(context.codingPath, key))")
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            if context.codingPath.isEmpty {
                return ProtocolError(.badFrame, "the frame must be a JSON object")
            }
            return ProtocolError(.badField, "field \(path(context.codingPath)) has the wrong type")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return ProtocolError(.badFrame, "the frame is not valid JSON")
            }
            return ProtocolError(.badField, "field \(path(context.codingPath)) is invalid: \(context.debugDescription)")
        @unknown default:
            return ProtocolError(.badFrame, "the frame could not be decoded")
        }
    }
}
