/// Where a grid's tail reads its two streams from next: the ids of the newest entries seen.
struct TailPositions: Sendable, Equatable {
    var log: String
    var ephemeral: String
}
