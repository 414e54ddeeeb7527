import Foundation
import RedisClient
import Shared

/// The typed Redis calls of `GridSchema`: one method per operation on a grid, each naming its
/// keys through the schema and decoding its reply with the schema's records. Every Redis command
/// the server sends about a grid goes through here (the `GridStore+…` files, by concern), except
/// the fan-out tail's blocking read. Keys and values always travel as separate arguments.
public struct GridStore: Sendable {
    public let redis: RedisClient
    /// Rung after each dirty mark (session events, failed sessions), so that this server's
    /// persister takes the grid at once rather than at its next once-a-second read.
    let marked: Doorbell?

    public init(redis: RedisClient, marked: Doorbell? = nil) {
        self.redis = redis
        self.marked = marked
    }

    public func ping() async throws {
        _ = try await redis.command(["PING"])
    }

    /// The grids a session used since `since` (wall-clock ms): those that can have sessions now.
    public func recentlyUsedGrids(since: Int64) async throws -> [String] {
        try await redis.command(["ZRANGEBYSCORE", GridSchema.lastUsed, String(since), "+inf"]).array?.compactMap(\.string) ?? []
    }

    /// Records that sessions use these grids now (login, and every heartbeat for local sessions).
    public func touchGrids(_ grids: some Collection<String>) async throws {
        guard !grids.isEmpty else { return }
        let now = String(WallClock.nowMilliseconds())
        _ = try await redis.command(["ZADD", GridSchema.lastUsed] + grids.flatMap { [now, $0] })
    }

    /// The mark a persister worker looks for: the grid has entries MySQL may lack, from now.
    static func dirtyMark(grid: String) -> [String] {
        ["ZADD", GridSchema.dirty, "LT", String(WallClock.nowMilliseconds()), grid]
    }

    /// Marks a grid as having entries MySQL may lack. Called after every append that is not the
    /// sequencer's (which pipelines the mark behind its script).
    public func markDirty(grid: String) async throws {
        _ = try await redis.command(Self.dirtyMark(grid: grid))
        marked?.ring()
    }

    /// Moves the grid indexes of servers before issue 11 (`grids:{index}`, and the older `grids`)
    /// into `GridSchema.dirty`, so each of their grids is persisted once and then left alone.
    public func adoptLegacyGridIndex() async throws {
        for index in [GridSchema.legacyGrids, GridSchema.grids] {
            while true {
                let batch = try await redis.command(["SPOP", index, "1000"]).array?.compactMap(\.string) ?? []
                guard !batch.isEmpty else { break }
                let now = String(WallClock.nowMilliseconds())
                _ = try await redis.pipeline([
                    ["ZADD", GridSchema.dirty, "LT"] + batch.flatMap { [now, $0] },
                    ["ZADD", GridSchema.lastUsed, "NX"] + batch.flatMap { [now, $0] },
                ])
            }
        }
    }

    /// Calls `body` with each field and value of a flat HGETALL-style reply.
    static func forEachPair(_ value: RedisValue, _ body: (String, String) -> Void) {
        guard let flat = value.array else { return }
        var index = 0
        while index + 1 < flat.count {
            if let key = flat[index].string, let value = flat[index + 1].string { body(key, value) }
            index += 2
        }
    }
}
