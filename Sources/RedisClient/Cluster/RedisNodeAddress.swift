/// One node of a Redis Cluster, as its replies name it (`host:port`).
public struct RedisNodeAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port`, the last colon separating the port (an IPv6 host may come with or without brackets).
    public init?(_ text: some StringProtocol) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (1...65535).contains(port) else { return nil }
        var host = text[..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty else { return nil }
        self.init(host: String(host), port: port)
    }

    /// Every node that a `CLUSTER NODES` reply lists (`<id> <ip:port@cport[,hostname]> …` a line).
    public static func listed(inClusterNodes text: String) -> [RedisNodeAddress] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            line.split(separator: " ").dropFirst().first?.split(separator: "@").first.flatMap { RedisNodeAddress($0) }
        }
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
