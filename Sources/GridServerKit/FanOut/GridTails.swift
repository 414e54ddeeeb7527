import Logging
import RedisClient

/// A server's tails: a fixed set of `TailReader`s, each with a connection of its own while it
/// holds grids, and each grid read by one of them. So the server's tail connections are bounded
/// by `connections`, never by the grids it has sessions on.
final class GridTails: Sendable {
    private let readers: [TailReader]

    init(redis: RedisClient, connections: Int, block: Duration = .seconds(1), metrics: ServerMetrics? = nil, logger: Logger) {
        precondition(connections >= 1, "a server needs at least one tail connection")
        readers = (0..<connections).map { _ in TailReader(redis: redis, block: block, metrics: metrics, logger: logger) }
    }

    func add(_ hub: GridHub, at positions: TailPositions) async {
        await reader(for: hub.grid).add(hub, at: positions)
    }

    func remove(_ hub: GridHub) async {
        await reader(for: hub.grid).remove(hub)
    }

    /// Runs every reader until cancelled.
    func run() async {
        await withDiscardingTaskGroup { group in
            for reader in readers { group.addTask { await reader.run() } }
        }
    }

    /// A grid's reader by a hash that is the same in every run (`hashValue` is seeded per
    /// process), so logs and tests can tell which reader a grid is on.
    private func reader(for grid: String) -> TailReader {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in grid.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return readers[Int(hash % UInt64(readers.count))]
    }
}
