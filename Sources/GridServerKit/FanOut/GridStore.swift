import Foundation
import RedisClient
import Shared

/// The Redis side of one server's view of grids: snapshots, log appends, presence and the
/// ephemeral stream. Every call sends keys and values as separate arguments.
public struct GridStore: Sendable {
    public struct Snapshot: Sendable {
        public var version: Version
        public var cells: [String: CellState]
        public var contested: [String: Version]
        public var users: [UserPresence]
        public var durable: Version
        public var first: Version?
        /// When it was taken, by Redis's clock, in microseconds.
        public var takenAt: Int64
    }

    /// Entries kept in the ephemeral stream: enough for a tail to catch up after a short stall.
    static let ephemeralLength = "10000"

    public let redis: RedisClient

    public init(redis: RedisClient) { self.redis = redis }

    public func snapshot(grid: String) async throws -> Snapshot {
        let keys = RedisKeys(grid: grid)
        let reply = try await GridScripts.snapshot.run(
            redis, keys: [keys.log, keys.cells, keys.contested, keys.presence, keys.durable, keys.first], args: []
        )
        guard let parts = reply.array, parts.count == 7 else {
            throw RedisError(code: .protocolError, message: "unexpected snapshot reply")
        }
        var cells: [String: CellState] = [:]
        cells.reserveCapacity((parts[1].array?.count ?? 0) / 2)
        Self.forEachPair(parts[1]) { cell, record in cells[cell] = LogEntry.cellState(record) }
        var contested: [String: Version] = [:]
        Self.forEachPair(parts[2]) { cell, id in contested[cell] = Version(id) }
        var users: [UserPresence] = []
        let decoder = JSONDecoder()
        Self.forEachPair(parts[3]) { _, json in
            if let user = try? decoder.decode(UserPresence.self, from: Data(json.utf8)) { users.append(user) }
        }
        users.sort { ($0.user, $0.session) < ($1.user, $1.session) }
        return Snapshot(
            version: parts[0].string.flatMap { Version($0) } ?? .zero, cells: cells, contested: contested, users: users,
            durable: parts[4].string.flatMap { Version($0) } ?? .zero, first: parts[5].string.flatMap { Version($0) },
            takenAt: parts[6].string.flatMap { Int64($0) } ?? 0
        )
    }

    /// Appends a session lifecycle event to the log; returns its version.
    @discardableResult
    public func appendSessionEvent(
        grid: String, kind: GridEvent.Kind, session: String, user: String, server: String, error: String? = nil
    ) async throws -> Version {
        let keys = RedisKeys(grid: grid)
        let fields = LogEntry.sessionFields(kind: kind, session: session, user: user, server: server, at: WallClock.nowMilliseconds(), error: error)
        let reply = try await GridScripts.append.run(redis, keys: [keys.log, keys.first], args: fields)
        guard let id = reply.string.flatMap({ Version($0) }) else {
            throw RedisError(code: .protocolError, message: "unexpected append reply")
        }
        return id
    }

    /// Records a session's presence and tells every server.
    public func setPresence(grid: String, _ presence: UserPresence) async throws {
        let keys = RedisKeys(grid: grid)
        let json = String(decoding: try JSONEncoder().encode(presence), as: UTF8.self)
        _ = try await redis.pipeline([
            ["HSET", keys.presence, presence.session, json],
            ["XADD", keys.ephemeral, "MAXLEN", "~", Self.ephemeralLength, "*", "p", json],
        ])
    }

    /// Forgets a session's presence and tells every server it left.
    public func removePresence(grid: String, session: String) async throws {
        let keys = RedisKeys(grid: grid)
        _ = try await redis.pipeline([
            ["HDEL", keys.presence, session],
            ["XADD", keys.ephemeral, "MAXLEN", "~", Self.ephemeralLength, "*", "left", session],
        ])
    }

    /// Announces a new durable watermark to every server.
    /// Records and announces a durable watermark; false when this Redis lacks that entry.
    public func publishDurable(grid: String, _ version: Version) async throws -> Bool {
        let keys = RedisKeys(grid: grid)
        return try await GridScripts.publishDurable.run(
            redis, keys: [keys.log, keys.durable, keys.ephemeral], args: [version.description]
        ).int == 1
    }

    public func registerGrid(_ grid: String) async throws {
        _ = try await redis.command(["SADD", RedisKeys.grids, grid])
    }

    public func ping() async throws {
        _ = try await redis.command(["PING"])
    }

    static func forEachPair(_ value: RedisValue, _ body: (String, String) -> Void) {
        guard let flat = value.array else { return }
        var index = 0
        while index + 1 < flat.count {
            if let key = flat[index].string, let value = flat[index + 1].string { body(key, value) }
            index += 2
        }
    }
}
