import Logging
import RedisClient

/// Redis's own count of the bytes it uses (`INFO memory`, `used_memory`), read before and after
/// a run to show that the per-grid keys stay bounded by the grid, not by its history.
public enum RedisMemory {
    public static func usedBytes(url: String, logger: Logger) async throws -> Int {
        let redis = RedisClient(configuration: try RedisConfiguration(url: url), logger: logger)
        do {
            let info = try await redis.command(["INFO", "memory"]).string ?? ""
            await redis.shutdown()
            let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("used_memory:") }
            guard let value = line.flatMap({ Int($0.dropFirst("used_memory:".count)) }) else {
                throw BenchError("INFO memory has no used_memory line")
            }
            return value
        } catch {
            await redis.shutdown()
            throw error
        }
    }
}
