/// A position in a grid's log: the Redis Stream entry id (`<ms>-<seq>`) of the event.
/// Every server sees the same ids, so a version is a total order across servers.
public struct Version: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public let milliseconds: UInt64
    public let sequence: UInt64

    /// The version of a cell that was never written.
    public static let zero = Version(milliseconds: 0, sequence: 0)

    public init(milliseconds: UInt64, sequence: UInt64) {
        self.milliseconds = milliseconds
        self.sequence = sequence
    }

    /// Accepts `ms-seq`, and `ms` alone (sequence 0): decimal digits only, each part within
    /// UInt64. Parsed byte by byte: every event, cell and reply carries versions.
    public init?(_ text: some StringProtocol) {
        var parts: (first: UInt64, current: UInt64, digits: Int, sawDash: Bool) = (0, 0, 0, false)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let (shifted, overflow) = parts.current.multipliedReportingOverflow(by: 10)
                let (sum, carry) = shifted.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
                guard !overflow, !carry else { return nil }
                parts.current = sum
                parts.digits += 1
            case UInt8(ascii: "-"):
                guard !parts.sawDash, parts.digits > 0 else { return nil }
                parts = (parts.current, 0, 0, true)
            default:
                return nil
            }
        }
        guard parts.digits > 0 else { return nil }
        self.milliseconds = parts.sawDash ? parts.first : parts.current
        self.sequence = parts.sawDash ? parts.current : 0
    }

    public var description: String { "\(milliseconds)-\(sequence)" }

    /// The smallest version strictly greater than this one.
    public var next: Version {
        sequence == .max ? Version(milliseconds: milliseconds + 1, sequence: 0) : Version(milliseconds: milliseconds, sequence: sequence + 1)
    }

    public static func < (lhs: Version, rhs: Version) -> Bool {
        (lhs.milliseconds, lhs.sequence) < (rhs.milliseconds, rhs.sequence)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let version = Version(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a version: \(text)")
        }
        self = version
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
