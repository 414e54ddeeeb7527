import Logging
import RedisClient

/// Redis's own counters (`INFO clients`, `INFO stats`): how many clients are connected, and how
/// many commands it has processed, to show what the servers cost Redis. On a Redis Cluster,
/// summed over every node that `CLUSTER NODES` lists.
public struct RedisStats: Codable, Sendable, Equatable {
    public var connectedClients: Int
    public var commandsProcessed: Int

    public static func read(url: String, logger: Logger) async throws -> RedisStats {
        let configuration = try RedisConfiguration(url: url)
        guard configuration.isCluster else { return try await readNode(configuration, logger: logger) }
        let nodes = try await clusterNodes(configuration, logger: logger)
        var total = RedisStats(connectedClients: 0, commandsProcessed: 0)
        for node in nodes {
            var single = configuration
            single.clusterSeeds = []
            (single.host, single.port) = (node.host, node.port)
            let stats = try await readNode(single, logger: logger)
            total.connectedClients += stats.connectedClients
            total.commandsProcessed += stats.commandsProcessed
        }
        return total
    }

    private static func readNode(_ configuration: RedisConfiguration, logger: Logger) async throws -> RedisStats {
        let redis = RedisClient(configuration: configuration, logger: logger)
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

    /// Every node, masters and replicas.
    private static func clusterNodes(_ configuration: RedisConfiguration, logger: Logger) async throws -> [RedisNodeAddress] {
        let redis = RedisClient(configuration: configuration, logger: logger)
        let reply: RedisValue
        do { reply = try await redis.command(["CLUSTER", "NODES"]) } catch {
            await redis.shutdown()
            throw error
        }
        await redis.shutdown()
        guard let text = reply.string else { throw BenchError("CLUSTER NODES gave no text") }
        return RedisNodeAddress.listed(inClusterNodes: text)
    }
}
