import Shared

/// Sends cursor moves at most once per interval: the first at once, later ones held back and
/// sent, newest only, when the interval has passed. Holding a key down sends a few updates a
/// second instead of one per row.
struct PresenceThrottle {
    typealias Presence = ClientMessage.PresenceUpdate

    let intervalMilliseconds: Int64
    private var lastSent: Int64?
    private(set) var held: Presence?

    init(intervalMilliseconds: Int64 = 50) {
        self.intervalMilliseconds = intervalMilliseconds
    }

    /// Returns the presence to send now, or nil when it is held; then `delay(now:)` says when
    /// to call `due(now:)`.
    mutating func offer(_ presence: Presence, now: Int64) -> Presence? {
        if let lastSent, now - lastSent < intervalMilliseconds {
            held = presence
            return nil
        }
        lastSent = now
        held = nil
        return presence
    }

    /// Milliseconds until the held presence may go.
    func delay(now: Int64) -> Int64 {
        max(0, (lastSent ?? now) + intervalMilliseconds - now)
    }

    /// The held presence, if it may go now.
    mutating func due(now: Int64) -> Presence? {
        guard let held, delay(now: now) == 0 else { return nil }
        lastSent = now
        self.held = nil
        return held
    }
}
