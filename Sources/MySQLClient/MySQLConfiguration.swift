/// Where and how to connect; every field has a default suitable for the local test services.
public struct MySQLConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 3306
    public var user = "root"
    public var password: String? = nil
    public var database = "collabgrid"
    /// Threads in the client's pool, and therefore the most connections it will ever open.
    public var poolSize = 4
    public var connectTimeout: Duration = .seconds(2)
    /// Also used as the write timeout. A statement that runs longer than this fails with
    /// `connectionLost` and its connection is discarded.
    public var readTimeout: Duration = .seconds(10)
    /// Create the database on connect when it does not exist. The name is then checked against
    /// `^[A-Za-z0-9_]{1,64}$`, because it has to be spliced into SQL as an identifier.
    public var createDatabaseIfMissing = true

    public init() {}

    /// Parses `mysql://user[:password]@host[:port]/database`. User and password may be
    /// percent-encoded; missing parts keep their defaults. The database name must match
    /// `^[A-Za-z0-9_]{1,64}$` so that `createDatabaseIfMissing` can use it whatever its setting.
    public init(url: String) throws {
        self.init()
        let scheme = "mysql://"
        guard url.hasPrefix(scheme) else {
            throw Self.invalid("URL must start with mysql://")
        }
        var rest = Substring(url.dropFirst(scheme.count))

        // The database is everything after the first "/" that follows the authority; a query
        // string is not supported and is rejected below by the name check.
        var databasePart: Substring?
        if let at = rest.lastIndex(of: "@") {
            if let slash = rest[at...].firstIndex(of: "/") {
                databasePart = rest[rest.index(after: slash)...]
                rest = rest[..<slash]
            }
        } else if let slash = rest.firstIndex(of: "/") {
            databasePart = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }

        var hostPart = rest
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            hostPart = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                user = try Self.percentDecoded(userInfo[..<colon])
                password = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...])
            } else {
                user = try Self.percentDecoded(userInfo)
            }
            guard !user.isEmpty else { throw Self.invalid("URL has an empty user") }
        }

        if hostPart.hasPrefix("[") {
            // Bracketed IPv6 literal, optionally followed by :port.
            guard let close = hostPart.firstIndex(of: "]") else { throw Self.invalid("URL has an unclosed [") }
            host = String(hostPart[hostPart.index(after: hostPart.startIndex)..<close])
            let afterHost = hostPart[hostPart.index(after: close)...]
            if !afterHost.isEmpty {
                guard afterHost.hasPrefix(":") else { throw Self.invalid("URL has junk after the host") }
                port = try Self.parsePort(afterHost.dropFirst())
            }
        } else if let colon = hostPart.lastIndex(of: ":") {
            host = String(hostPart[..<colon])
            port = try Self.parsePort(hostPart[hostPart.index(after: colon)...])
        } else {
            host = String(hostPart)
        }
        guard !host.isEmpty else { throw Self.invalid("URL has no host") }

        if let databasePart, !databasePart.isEmpty {
            database = try Self.percentDecoded(databasePart)
        }
        guard Self.isValidDatabaseName(database) else {
            throw Self.invalid("database name must match ^[A-Za-z0-9_]{1,64}$")
        }
    }

    /// The URL with the password replaced by `***`, for logs and error messages.
    public var redactedURL: String {
        let hostText = host.contains(":") ? "[\(host)]" : host
        let secret = password == nil ? "" : ":***"
        return "mysql://\(user)\(secret)@\(hostText):\(port)/\(database)"
    }

    /// The only names accepted where the database is used as an SQL identifier.
    static func isValidDatabaseName(_ name: String) -> Bool {
        let utf8 = name.utf8
        guard (1...64).contains(utf8.count) else { return false }
        return utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "_")
        }
    }

    /// Whole seconds for libmariadb's `unsigned int` timeout options, rounded up, at least 1,
    /// because 0 there means "no timeout".
    static func timeoutSeconds(_ duration: Duration) -> UInt32 {
        let (seconds, attoseconds) = duration.components
        var whole = max(seconds, 0)
        if attoseconds > 0 { whole += 1 }
        return UInt32(clamping: max(whole, 1))
    }

    private static func parsePort(_ text: Substring) throws -> Int {
        guard let value = Int(text), (1...65535).contains(value) else {
            throw invalid("URL has an invalid port")
        }
        return value
    }

    private static func percentDecoded(_ text: Substring) throws -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw invalid("URL has a malformed percent escape")
            }
            bytes.append(high << 4 | low)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    // The URL itself is never part of the message: it may hold the password.
    private static func invalid(_ message: String) -> MySQLError {
        MySQLError(code: .invalidConfiguration, message: message)
    }
}
