import Logging
import RedisClient

/// How much memory Redis uses: in all (`INFO memory`, `used_memory`), and for one grid's keys
/// (`MEMORY USAGE` of every `grid:{G}:*` key), read before and after a run to show that a grid's
/// keys stay bounded by the grid, not by its history. The grid's own figure is the one to
/// compare: `used_memory` also moves with every other grid (trimmed meanwhile, for one).
public struct RedisMemory: Codable, Sendable {
    public var usedBytes: Int
    public var gridBytes: Int

    public static func measure(url: String, grid: String, logger: Logger) async throws -> RedisMemory {
        let redis = RedisClient(configuration: try RedisConfiguration(url: url), logger: logger)
        do {
            let memory = try await measure(redis, grid: grid)
            await redis.shutdown()
            return memory
        } catch {
            await redis.shutdown()
            throw error
        }
    }

    private static func measure(_ redis: RedisClient, grid: String) async throws -> RedisMemory {
        let info = try await redis.command(["INFO", "memory"]).string ?? ""
        let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("used_memory:") }
        guard let used = line.flatMap({ Int($0.dropFirst("used_memory:".count)) }) else {
            throw BenchError("INFO memory has no used_memory line")
        }
        var keys: [String] = []
        var cursor = "0"
        repeat {
            let reply = try await redis.command(["SCAN", cursor, "MATCH", "grid:{\(grid)}:*", "COUNT", "1000"]).array ?? []
            guard reply.count == 2, let next = reply[0].string else { throw BenchError("unexpected SCAN reply") }
            keys += reply[1].array?.compactMap(\.string) ?? []
            cursor = next
        } while cursor != "0"
        let sizes = try await redis.pipeline(keys.map { ["MEMORY", "USAGE", $0, "SAMPLES", "0"] })
        return RedisMemory(usedBytes: used, gridBytes: sizes.reduce(0) { $0 + Int($1.int ?? 0) })
    }
}
