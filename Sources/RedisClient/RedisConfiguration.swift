/// Where and how to reach Redis. Every field has a default so tests and tools can set only what
/// differs.
public struct RedisConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 6379
    public var password: String? = nil
    /// Redis 6 ACL user; only sent when `password` is set too.
    public var username: String? = nil
    public var database = 0
    /// At most this many connections leased at once for blocking calls (`withDedicatedConnection`);
    /// a lease beyond it waits for one to end. A server leases one per tail reader
    /// (`--tail-connections`), so the limit is a backstop, not the bound that matters.
    public var dedicatedConnectionLimit = 64
    /// Sent as `CLIENT SETNAME` on every connection, so that `CLIENT LIST` tells whose each is.
    /// Letters, digits and punctuation only: Redis refuses spaces.
    public var clientName: String? = nil
    public var connectTimeout: Duration = .seconds(2)
    /// How long a reply may take before Redis is probed. A reply later than this is slow, not an
    /// error: the call keeps waiting as long as Redis answers the probe.
    public var commandTimeout: Duration = .seconds(5)
    /// How long the probe (PING on a connection of its own) may take, with nothing else heard
    /// from Redis meanwhile, before Redis counts as lost.
    public var probeTimeout: Duration = .seconds(30)

    /// Replicas that must confirm an edit (`WAIT`) before it counts as done; 0: none. Only
    /// calls sent with `RedisEventLoopConnection.send(_:timeout:waitForReplicas:)` wait.
    public var waitReplicas = 0
    /// How long one `WAIT` may take; fewer replicas by then fails the calls it covers.
    public var waitReplicasTimeout: Duration = .seconds(1)

    /// The nodes to learn a Redis Cluster's slot map from; empty for a single Redis.
    public var clusterSeeds: [RedisNodeAddress] = []

    public var isCluster: Bool { !clusterSeeds.isEmpty }

    public init() {}

    /// The same settings for one node of the cluster.
    func node(_ address: RedisNodeAddress) -> RedisConfiguration {
        var copy = self
        copy.host = address.host
        copy.port = address.port
        return copy
    }

    /// Parses `redis://[[user]:password@]host[:port][/db]`. User and password may be
    /// percent-encoded; an IPv6 host goes in brackets.
    /// Or `redis-cluster://[[user]:password@]host:port,host:port,…`: a Redis Cluster, whose slot
    /// map is learnt from any of the listed nodes. Every node takes the same password.
    public init(url: String) throws {
        self.init()
        let cluster = "redis-cluster://"
        if url.hasPrefix(cluster) {
            var rest = Substring(url.dropFirst(cluster.count))
            if rest.hasSuffix("/") || rest.hasSuffix("/0") { rest = rest[..<rest.lastIndex(of: "/")!] }
            guard !rest.contains("/") else { throw Self.invalid("a cluster has only database 0") }
            if let at = rest.lastIndex(of: "@") {
                try self.setUserInfo(rest[..<at])
                rest = rest[rest.index(after: at)...]
            }
            for node in rest.split(separator: ",", omittingEmptySubsequences: false) {
                guard let address = RedisNodeAddress(node) else { throw Self.invalid("a cluster node must be host:port") }
                self.clusterSeeds.append(address)
            }
            self.host = self.clusterSeeds[0].host
            self.port = self.clusterSeeds[0].port
            return
        }
        let scheme = "redis://"
        guard url.hasPrefix(scheme) else { throw Self.invalid("expected redis:// or redis-cluster:// scheme") }
        var rest = Substring(url.dropFirst(scheme.count))

        if let slash = rest.firstIndex(of: "/") {
            let path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !path.isEmpty {
                guard let db = Int(path), db >= 0 else { throw Self.invalid("database must be a number") }
                self.database = db
            }
        }

        if let at = rest.lastIndex(of: "@") {
            try self.setUserInfo(rest[..<at])
            rest = rest[rest.index(after: at)...]
        }

        var hostPart = rest
        var portPart: Substring? = nil
        if hostPart.hasPrefix("[") {
            guard let close = hostPart.firstIndex(of: "]") else { throw Self.invalid("unterminated IPv6 host") }
            let after = hostPart[hostPart.index(after: close)...]
            if after.hasPrefix(":") {
                portPart = after.dropFirst()
            } else if !after.isEmpty {
                throw Self.invalid("unexpected text after host")
            }
            hostPart = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
        } else if let colon = hostPart.lastIndex(of: ":") {
            portPart = hostPart[hostPart.index(after: colon)...]
            hostPart = hostPart[..<colon]
        }
        if !hostPart.isEmpty { self.host = String(hostPart) }
        if let portPart {
            guard let port = Int(portPart), (1...65535).contains(port) else {
                throw Self.invalid("port must be 1-65535")
            }
            self.port = port
        }
    }

    private mutating func setUserInfo(_ userInfo: Substring) throws {
        if let colon = userInfo.firstIndex(of: ":") {
            let user = try Self.percentDecoded(userInfo[..<colon])
            let password = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...])
            self.username = user.isEmpty ? nil : user
            self.password = password.isEmpty ? nil : password
        } else {
            // Common shorthand (`redis://secret@host`): a lone userinfo is the password.
            let password = try Self.percentDecoded(userInfo)
            self.password = password.isEmpty ? nil : password
        }
    }

    /// The URL with the password masked, safe for logs.
    public var redactedURL: String {
        var userInfo = ""
        if self.password != nil {
            userInfo = "\(self.username ?? ""):***@"
        }
        if self.isCluster {
            return "redis-cluster://\(userInfo)" + self.clusterSeeds.map(\.description).joined(separator: ",")
        }
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "redis://\(userInfo)\(host):\(self.port)/\(self.database)"
    }

    // The message never echoes the URL: it may contain the password.
    private static func invalid(_ reason: String) -> RedisError {
        RedisError(code: .protocolError, message: "invalid Redis URL: \(reason)")
    }

    private static func percentDecoded(_ text: Substring) throws -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue),
                  let low = iterator.next().flatMap(Self.hexValue)
            else { throw Self.invalid("bad percent-encoding in user info") }
            bytes.append(high << 4 | low)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
