/// One value sent to or read from MariaDB.
///
/// Values always travel through prepared-statement bindings, never through SQL text, so no
/// escaping exists anywhere in this module.
public enum MySQLValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByNilLiteral
{
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case bytes([UInt8])

    public init(stringLiteral value: String) {
        self = .text(value)
    }

    public init(integerLiteral value: Int64) {
        self = .int(value)
    }

    public init(nilLiteral: ()) {
        self = .null
    }

    /// Text as stored; bytes decoded as UTF-8 (invalid sequences repaired); numbers rendered.
    public var string: String? {
        switch self {
        case .null: return nil
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        case .text(let value): return value
        case .bytes(let value): return String(decoding: value, as: UTF8.self)
        }
    }

    /// The integer, or text that parses as one (DECIMAL and computed columns arrive as text).
    public var int: Int64? {
        switch self {
        case .int(let value): return value
        case .text(let value): return Int64(value)
        case .bytes(let value): return Int64(String(decoding: value, as: UTF8.self))
        case .null, .double: return nil
        }
    }

    public var isNull: Bool {
        self == .null
    }
}
