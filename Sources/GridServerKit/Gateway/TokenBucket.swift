/// Edits per second for one session, as a pure value: a bucket of `burst` tokens refilled at
/// `ratePerSecond`; each edit takes one, and an edit that finds none is refused. A person
/// typing or pasting a block stays within the burst; a runaway or hostile client is slowed
/// to the rate without costing other sessions their share of Redis.
public struct TokenBucket: Sendable {
    public let ratePerSecond: Double
    public let burst: Double
    private var tokens: Double
    private var last: ContinuousClock.Instant

    public init(ratePerSecond: Double, burst: Int, now: ContinuousClock.Instant) {
        precondition(ratePerSecond > 0 && burst > 0, "a token bucket needs a positive rate and burst")
        self.ratePerSecond = ratePerSecond
        self.burst = Double(burst)
        self.tokens = Double(burst)
        self.last = now
    }

    /// Takes a token if one is there; false means the caller must refuse the request.
    public mutating func take(now: ContinuousClock.Instant) -> Bool {
        take(1, now: now)
    }

    /// Takes `count` tokens if that many are there (a multi-cell edit costs one per cell); else
    /// takes none.
    public mutating func take(_ count: Int, now: ContinuousClock.Instant) -> Bool {
        refill(now: now)
        guard tokens >= Double(count) else { return false }
        tokens -= Double(count)
        return true
    }

    /// Whole tokens available at `now`.
    public mutating func available(now: ContinuousClock.Instant) -> Int {
        refill(now: now)
        return Int(tokens)
    }

    private mutating func refill(now: ContinuousClock.Instant) {
        // A clock that seems to go back (instants taken out of order) adds nothing.
        guard now > last else { return }
        let elapsed = now - last
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(burst, tokens + seconds * ratePerSecond)
        last = now
    }
}
