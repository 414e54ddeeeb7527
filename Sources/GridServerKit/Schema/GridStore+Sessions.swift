import Foundation
import RedisClient
import Shared

extension GridStore {
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

    /// The login snapshot, taken atomically.
    public func snapshot(grid: String) async throws -> Snapshot {
        let keys = GridSchema(grid: grid)
        let reply = try await GridSchema.Scripts.snapshot.run(
            redis, keys: [keys.log, keys.cells, keys.contested, keys.presence, keys.durable, keys.first], args: []
        )
        guard let parts = reply.array, parts.count == 7 else {
            throw RedisError(code: .protocolError, message: "unexpected snapshot reply")
        }
        var cells: [String: CellState] = [:]
        cells.reserveCapacity((parts[1].array?.count ?? 0) / 2)
        Self.forEachPair(parts[1]) { cell, record in cells[cell] = GridSchema.CellRecord.decode(record) }
        var contested: [String: Version] = [:]
        Self.forEachPair(parts[2]) { cell, id in contested[cell] = Version(id) }
        var users = Self.presences(parts[3])
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
        let keys = GridSchema(grid: grid)
        let fields = GridSchema.LogRecord.sessionFields(
            kind: kind, session: session, user: user, server: server, at: WallClock.nowMilliseconds(), error: error
        )
        // The dirty mark rides in the same write as the append: a login waits for this call, and a
        // round trip of its own made every login slower (issue 10's login rows).
        let reply = try await GridSchema.Scripts.append.run(redis, keys: [keys.log, keys.first], args: fields, followedBy: Self.dirtyMark(grid: grid))
        guard let id = reply.string.flatMap({ Version($0) }) else {
            throw RedisError(code: .protocolError, message: "unexpected append reply")
        }
        marked?.ring()
        return id
    }

    /// Records a session's presence and tells every server.
    public func setPresence(grid: String, _ presence: UserPresence) async throws {
        let keys = GridSchema(grid: grid)
        let json = String(decoding: try JSONEncoder().encode(presence), as: UTF8.self)
        _ = try await redis.pipeline([
            ["HSET", keys.presence, presence.session, json],
            ["XADD", keys.ephemeral, "MAXLEN", "~", GridSchema.ephemeralLength, "*", "p", json],
        ])
    }

    /// Forgets a session's presence and tells every server it left.
    public func removePresence(grid: String, session: String) async throws {
        let keys = GridSchema(grid: grid)
        _ = try await redis.pipeline([
            ["HDEL", keys.presence, session],
            ["XADD", keys.ephemeral, "MAXLEN", "~", GridSchema.ephemeralLength, "*", "left", session],
        ])
    }

    /// Everyone online in a grid, as presence holds it.
    public func presence(grid: String) async throws -> [UserPresence] {
        Self.presences(try await redis.command(["HGETALL", GridSchema(grid: grid).presence]))
    }

    /// The presence of many grids, read in pipelines of a thousand: the reaper reads every
    /// recently used grid each heartbeat, and one round trip per grid would make that cost grow
    /// with the grids in use times the latency.
    public func presence(grids: [String]) async throws -> [String: [UserPresence]] {
        var result: [String: [UserPresence]] = [:]
        for start in stride(from: 0, to: grids.count, by: 1000) {
            let chunk = grids[start..<min(grids.count, start + 1000)]
            let replies = try await redis.pipeline(chunk.map { ["HGETALL", GridSchema(grid: $0).presence] })
            for (grid, reply) in zip(chunk, replies) {
                let users = Self.presences(reply)
                if !users.isEmpty { result[grid] = users }
            }
        }
        return result
    }

    /// Ends a session on behalf of a server that cannot; true if this call ended it.
    public func failSession(grid: String, session: String, reason: String) async throws -> Bool {
        let keys = GridSchema(grid: grid)
        let reply = try await GridSchema.Scripts.failSession.run(
            redis, keys: [keys.presence, keys.log, keys.first, keys.ephemeral], args: [session, reason, String(WallClock.nowMilliseconds())]
        )
        if reply.int == 1 { try await markDirty(grid: grid) }
        return reply.int == 1
    }

    public func isAlive(server: String) async throws -> Bool {
        try await redis.command(["EXISTS", GridSchema.heartbeat(server: server)]).int == 1
    }

    private static func presences(_ hash: RedisValue) -> [UserPresence] {
        var users: [UserPresence] = []
        let decoder = JSONDecoder()
        forEachPair(hash) { _, json in
            if let user = try? decoder.decode(UserPresence.self, from: Data(json.utf8)) { users.append(user) }
        }
        return users
    }
}
