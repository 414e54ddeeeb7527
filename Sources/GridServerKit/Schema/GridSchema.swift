import RedisClient
import Shared

/// A grid's Redis schema: the names of its keys, the records stored under them
/// (`GridSchema.CellRecord`, `OutcomeRecord`, `LogRecord`), the Lua scripts
/// (`GridSchema.Scripts`) and one typed call per operation (the `GridSchema+…` files). Nothing
/// else in the server names a Redis key or parses a Redis record, so a change of layout, or of
/// the Redis client underneath, happens here.
///
/// Cluster-safe: every key of one grid carries the `{grid}` hash tag, so a grid lives in one
/// Redis Cluster slot and each script touches keys of that one tag only. The keys that are not
/// per grid (the grid index, server heartbeats) carry hash tags of their own.
public struct GridSchema: Sendable, Hashable {
    public let grid: String

    public init(grid: String) { self.grid = grid }

    /// The durable event stream; its entry ids are the grid's versions.
    public var log: String { key("log") }
    /// cell → `CellRecord`, the state the sequencer checks against and the login snapshot.
    public var cells: String { key("cells") }
    /// op id → `OutcomeRecord`, so a resent op is answered, never applied twice. Bounded: an
    /// entry is removed once its op has been durable for the ops grace period
    /// (`ServerConfiguration.PersisterConfiguration.opsGrace`); MySQL's unique `op_id` answers after that.
    public var ops: String { key("outcomes") }
    /// op id → its outcome's version as a score (`opScore`): the order in which `ops` is trimmed.
    public var opsByVersion: String { key("outcome-versions") }
    /// The unbounded op → outcome hash of servers before issue 10. The sequencer still reads it
    /// for duplicates, and the persister removes it once the ops grace period has passed.
    public var legacyOps: String { key("ops") }
    /// cell → id of the conflict event that contests it.
    public var contested: String { key("contested") }
    /// session → UserPresence JSON.
    public var presence: String { key("presence") }
    /// A short capped stream of ephemeral changes: presence, the durable watermark, restores.
    public var ephemeral: String { key("ephemeral") }
    /// The highest version stored in MySQL.
    public var durable: String { key("durable") }
    /// The first version ever written.
    public var first: String { key("first") }
    /// Which server persists this grid now.
    public var persisterLease: String { key("persister") }
    /// Present while Redis holds the grid's whole state; the sequencer refuses edits without it.
    public var ready: String { key("ready") }
    /// Held by the one server rebuilding the grid from MySQL.
    public var rebuildLock: String { key("rebuild") }

    /// Every key above: what idle eviction removes.
    public var allKeys: [String] {
        [log, cells, ops, opsByVersion, legacyOps, contested, presence, ephemeral, durable, first, persisterLease, ready, rebuildLock]
    }

    private func key(_ name: String) -> String { "grid:{\(grid)}:\(name)" }

    /// A version as a sorted-set score: milliseconds, then the sequence in three digits (capped
    /// at 999). A double holds it exactly (below 2^53 until the year 2255). The sequencer script
    /// computes the same.
    static func opScore(_ version: Version) -> String {
        let sequence = String(min(version.sequence, 999))
        return "\(version.milliseconds)" + String(repeating: "0", count: 3 - sequence.count) + sequence
    }

    /// The highest score of ops at or below `version`. Exclusive when the sequence is capped:
    /// a later op of the same millisecond shares the capped score and may not be durable yet.
    static func opTrimBound(_ version: Version) -> String {
        version.sequence >= 999 ? "(" + opScore(version) : opScore(version)
    }

    /// The grid index of servers before issue 11 (every grid ever opened). Nothing writes it now:
    /// its grids are moved into `dirty` once at start, so each is persisted and then left alone.
    public static let grids = "grids:{index}"
    /// grid → when a persister should look at it next (wall-clock ms): now for a grid with
    /// entries MySQL may lack (every append lowers the score to its time, `ZADD LT`), later for
    /// a grid whose only remaining work is trimming. Persister workers take grids whose score has
    /// come, so persisting costs follow the grids with unpersisted entries, not the grids that
    /// exist. Its own hash tag: the sequencer marks it in a second command after its script, as a
    /// script on Redis Cluster may touch only keys of its grid's slot.
    public static let dirty = "grids:{dirty}"
    /// grid → when a session last used it (wall-clock ms), refreshed at login and by every
    /// server's heartbeat for the grids it has sessions on. The reaper looks only at recent ones;
    /// idle eviction drops grids whose score is old.
    public static let lastUsed = "grids:{lastused}"
    /// Held by the one server running idle eviction at a time.
    public static let evictionLease = "grids:{evict}:lease"
    /// The grid index of servers before issue 10, merged into `grids` at start.
    static let legacyGrids = "grids"
    /// A server's heartbeat, with a short TTL; its own hash tag per server.
    public static func heartbeat(server: String) -> String { "server:{\(server)}:heartbeat" }

    /// The consumer group (and its one consumer) through which persisters read the log.
    public static let persistGroup = "persist"
    public static let persistConsumer = "persister"
    /// Entries kept in the ephemeral stream: enough for a tail to catch up after a short stall.
    static let ephemeralLength = "10000"
}
