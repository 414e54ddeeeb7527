/// Redis key names. Every key of one grid shares the `{grid}` hash tag, so a grid lives in one
/// Redis Cluster slot and its scripts may touch all of its keys atomically.
public struct RedisKeys: Sendable, Hashable {
    public let grid: String

    public init(grid: String) { self.grid = grid }

    /// The durable event stream; its entry ids are the grid's versions.
    public var log: String { "grid:{\(grid)}:log" }
    /// cell → "version\tat\tuser\tkind\tvalue", the state the sequencer checks against.
    public var cells: String { "grid:{\(grid)}:cells" }
    /// op id → its outcome, so a resent op is answered, never applied twice.
    public var ops: String { "grid:{\(grid)}:ops" }
    /// cell → id of the conflict event that contests it.
    public var contested: String { "grid:{\(grid)}:contested" }
    /// session → UserPresence JSON.
    public var presence: String { "grid:{\(grid)}:presence" }
    /// A short capped stream of ephemeral changes: presence and the durable watermark.
    public var ephemeral: String { "grid:{\(grid)}:ephemeral" }
    /// The highest version stored in MySQL.
    public var durable: String { "grid:{\(grid)}:durable" }
    /// The first version ever written.
    public var first: String { "grid:{\(grid)}:first" }
    /// Which server persists this grid now.
    public var persisterLease: String { "grid:{\(grid)}:persister" }

    /// Every grid ever opened, so persisters find them.
    public static let grids = "grids"
    public static let persistGroup = "persist"
    public static let persistConsumer = "persister"
}
