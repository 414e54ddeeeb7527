import Logging
import RedisClient

/// Redis's own counters (`INFO clients`, `INFO stats`): how many clients are connected, and how
/// many commands it has processed, to show what the servers cost Redis.
public struct RedisStats: Codable, Sendable, Equatable {
    public var connectedClients: Int
    public var commandsProcessed: Int

    public static func read(url: String, logger: Logger) async throws -> RedisStats {
        let redis = RedisClient(configuration: try RedisConfiguration(url: url), logger: logger)
        do {
            let replies = try await redis.pipeline([["INFO", "clients"], ["INFO", "stats"]])
            await redis.shutdown()
            let fields = replies.compactMap(\.string).joined(separator: "\n").split(whereSeparator: \.isNewline)
            func field(_ name: String) -> Int? {
                fields.first { $0.hasPrefix(name + ":") }.flatMap { Int($0.dropFirst(name.count + 1)) }
            }
            guard let clients = field("connected_clients"), let commands = field("total_commands_processed") else {
                throw BenchError("INFO has no connected_clients or total_commands_processed")
            }
            // This reader is a client too, and its INFO calls are commands.
            return RedisStats(connectedClients: clients - 1, commandsProcessed: commands)
        } catch {
            await redis.shutdown()
            throw error
        }
    }
}
