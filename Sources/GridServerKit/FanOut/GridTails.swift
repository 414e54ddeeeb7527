import Logging
import NIOConcurrencyHelpers
import RedisClient

/// A server's tails: a fixed set of `TailReader`s, each with a connection of its own while it
/// holds grids, and each grid read by one of them. So the server's tail connections are bounded
/// by `connections`, never by the grids it has sessions on.
///
/// On a Redis Cluster one XREAD may only name keys of one slot, so there a reader tails the
/// grids of one slot, made when the slot's first grid comes and ended when its last goes: tail
/// connections follow the slots of the grids with sessions here.
final class GridTails: Sendable {
    private let readers: [TailReader]
    private let perSlot: NIOLockedValueBox<[Int: SlotReader]>?
    private let make: @Sendable () -> TailReader

    private struct SlotReader {
        let reader: TailReader
        let task: Task<Void, Never>
        /// Grid → the hub the reader holds for it, as `TailReader` keeps them.
        var hubs: [String: ObjectIdentifier]
    }

    init(redis: RedisClient, connections: Int, block: Duration = .seconds(1), metrics: ServerMetrics? = nil, logger: Logger) {
        precondition(connections >= 1, "a server needs at least one tail connection")
        let make: @Sendable () -> TailReader = { TailReader(redis: redis, block: block, metrics: metrics, logger: logger) }
        self.make = make
        let cluster = redis.configuration.isCluster
        readers = cluster ? [] : (0..<connections).map { _ in make() }
        perSlot = cluster ? NIOLockedValueBox([:]) : nil
    }

    func add(_ hub: GridHub, at positions: TailPositions) async {
        guard let perSlot else { return await reader(for: hub.grid).add(hub, at: positions) }
        let slot = RedisSlot.of(hub.keys.log)
        let reader = perSlot.withLockedValue { slots -> TailReader in
            if slots[slot] != nil {
                slots[slot]!.hubs[hub.grid] = ObjectIdentifier(hub)
                return slots[slot]!.reader
            }
            let reader = make()
            slots[slot] = SlotReader(reader: reader, task: Task { await reader.run() }, hubs: [hub.grid: ObjectIdentifier(hub)])
            return reader
        }
        await reader.add(hub, at: positions)
    }

    func remove(_ hub: GridHub) async {
        guard let perSlot else { return await reader(for: hub.grid).remove(hub) }
        let slot = RedisSlot.of(hub.keys.log)
        let found = perSlot.withLockedValue { slots -> (TailReader, Task<Void, Never>?)? in
            guard var entry = slots[slot], entry.hubs[hub.grid] == ObjectIdentifier(hub) else { return nil }
            entry.hubs[hub.grid] = nil
            if entry.hubs.isEmpty {
                slots[slot] = nil
                return (entry.reader, entry.task)
            }
            slots[slot] = entry
            return (entry.reader, nil)
        }
        guard let (reader, ending) = found else { return }
        await reader.remove(hub)
        ending?.cancel()
    }

    /// Runs every reader until cancelled.
    func run() async {
        guard let perSlot else {
            await withDiscardingTaskGroup { group in
                for reader in readers { group.addTask { await reader.run() } }
            }
            return
        }
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        let tasks = perSlot.withLockedValue { slots in
            defer { slots = [:] }
            return slots.values.map(\.task)
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }

    /// A grid's reader by a hash that is the same in every run (`hashValue` is seeded per
    /// process), so logs and tests can tell which reader a grid is on.
    private func reader(for grid: String) -> TailReader {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in grid.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return readers[Int(hash % UInt64(readers.count))]
    }
}
