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

    /// Accepts `ms-seq`, and `ms` alone (sequence 0).
    public init?(_ text: some StringProtocol) {
        guard !text.contains("+") else { return nil }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2,
            let ms = UInt64(parts[0]),
            parts.count == 1 || UInt64(parts[1]) != nil
        else { return nil }
        self.milliseconds = ms
        self.sequence = parts.count == 2 ? UInt64(parts[1])! : 0
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
