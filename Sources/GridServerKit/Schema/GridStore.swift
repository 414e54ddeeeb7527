import Foundation
import RedisClient
import Shared

/// The typed Redis calls of `GridSchema`: one method per operation on a grid, each naming its
/// keys through the schema and decoding its reply with the schema's records. Every Redis command
/// the server sends about a grid goes through here (the `GridStore+…` files, by concern), except
/// the fan-out tail's blocking read. Keys and values always travel as separate arguments.
public struct GridStore: Sendable {
    public let redis: RedisClient

    public init(redis: RedisClient) { self.redis = redis }

    public func ping() async throws {
        _ = try await redis.command(["PING"])
    }

    /// Every grid ever opened.
    public func grids() async throws -> [String] {
        try await redis.command(["SMEMBERS", GridSchema.grids]).array?.compactMap(\.string) ?? []
    }

    public func registerGrid(_ grid: String) async throws {
        _ = try await redis.command(["SADD", GridSchema.grids, grid])
    }

    /// Moves the grid index of servers before issue 10 (key `grids`, no hash tag) into
    /// `GridSchema.grids`, so their grids are persisted. Only on one Redis: that index never
    /// existed on a Cluster.
    public func adoptLegacyGridIndex() async throws {
        let legacy = try await redis.command(["SMEMBERS", GridSchema.legacyGrids]).array?.compactMap(\.string) ?? []
        guard !legacy.isEmpty else { return }
        _ = try await redis.pipeline([["SADD", GridSchema.grids] + legacy, ["DEL", GridSchema.legacyGrids]])
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
