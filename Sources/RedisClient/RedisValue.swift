/// A reply from Redis, decoded from hiredis's `redisReply` tree into plain Swift values so that
/// nothing outside this module ever sees a C pointer.
public enum RedisValue: Sendable, Equatable {
    case null
    case status(String)
    case error(String)
    case integer(Int64)
    case bulk([UInt8])
    case array([RedisValue])

    /// A bulk string decoded as UTF-8, or a status line. Invalid UTF-8 is replaced with U+FFFD
    /// rather than dropped, so callers that only log or compare text still see something; use
    /// `bytes` for binary payloads.
    public var string: String? {
        switch self {
        case .bulk(let bytes): String(decoding: bytes, as: UTF8.self)
        case .status(let text): text
        default: nil
        }
    }

    /// The raw bytes of a bulk string (or the UTF-8 of a status line).
    public var bytes: [UInt8]? {
        switch self {
        case .bulk(let bytes): bytes
        case .status(let text): Array(text.utf8)
        default: nil
        }
    }

    /// Redis returns many numbers as bulk strings (GET of a counter, XLEN inside MULTI, ...), so
    /// those are parsed too.
    public var int: Int64? {
        switch self {
        case .integer(let value): value
        case .bulk, .status: self.string.flatMap { Int64($0) }
        default: nil
        }
    }

    public var array: [RedisValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The text of an error reply.
    public var errorMessage: String? {
        if case .error(let text) = self { return text }
        return nil
    }
}

extension RedisValue: CustomStringConvertible {
    public var description: String {
        switch self {
        case .null: "(nil)"
        case .status(let text): text
        case .error(let text): "(error) \(text)"
        case .integer(let value): "(integer) \(value)"
        case .bulk(let bytes): "\"\(String(decoding: bytes, as: UTF8.self))\""
        case .array(let values): "[" + values.map(\.description).joined(separator: ", ") + "]"
        }
    }
}
