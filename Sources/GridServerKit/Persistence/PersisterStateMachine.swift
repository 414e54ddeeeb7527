import Shared

/// The persister's loop for one grid, as a value with no I/O: each mutating method takes what
/// the last action found and returns the next action. `Persister` performs the actions.
///
/// States, by what the next action is:
/// - `takeLease`: every round starts by taking or renewing the grid's lease. Without it the
///   machine forgets what it had read and sleeps a quarter of the lease.
/// - `ensureRedis`: after taking the lease, and after any failure, the Redis state is checked
///   against MySQL before any durability is recorded in it.
/// - `createGroup`: once, and again after Redis forgot the consumer group.
/// - `readPending`: after a new lease or a failure, entries delivered before and not
///   acknowledged are written first, before anything newer is announced durable.
/// - `readNew` / `awaitReadAhead`: new entries, or the batch read ahead during the last write.
/// - `write`: one MySQL transaction, then the acknowledgement and the durable announcement.
///   A full batch of new entries also starts reading the next one (`readAhead`).
/// - `rebuild`: Redis restarted and lost entries MySQL now holds.
/// - `trim`: after a write, and when idle, the log below the newest watermark that has been
///   durable for `trimAfter`, and op outcomes below the one durable for `opsGrace`.
/// - `sleep`: after a failure, 100 ms per failure in a row, at most a second.
struct PersisterStateMachine {
    enum Action: Equatable {
        case takeLease
        case ensureRedis
        case createGroup
        case readPending
        case readNew
        /// Wait for the batch read during the last write.
        case awaitReadAhead
        /// Write the batch; with `readAhead`, start reading the next batch meanwhile.
        case write([GridEvent], readAhead: Bool)
        /// Rebuild the grid's Redis state from MySQL. Discards any read-ahead.
        case rebuild
        /// Trim the log below `log`, op outcomes up to `ops`, and with `dropLegacy` the legacy
        /// op hash.
        case trim(log: Version?, ops: Version?, dropLegacy: Bool)
        /// Wait, then take the lease again. Discards any read-ahead.
        case sleep(Duration)
    }

    struct Configuration {
        var batchSize: Int
        var leaseMilliseconds: Int
        var trimAfter: Duration
        var opsGrace: Duration
    }

    private let configuration: Configuration
    private var checkRedis = true
    private var groupReady = false
    private var checkPending = true
    private var readingAhead = false
    /// Failed rounds in a row.
    private(set) var failures = 0
    /// When watermarks became durable (by this machine's clock), oldest first.
    private var durablePoints: [(at: ContinuousClock.Instant, version: Version)] = []
    private var logTrimmedBelow = Version.zero
    private var opsTrimmedBelow = Version.zero
    /// Ops of servers before issue 10 are all older than this (wall-clock milliseconds): once
    /// op outcomes are trimmed past it, the legacy hash goes too.
    private let legacyBefore: UInt64
    private var legacyDropped = false

    /// `startedAtMilliseconds` is the wall clock at start; every server is expected to run this
    /// version by then, so no legacy op is sequenced later (a minute of margin for clock skew).
    init(configuration: Configuration, startedAtMilliseconds: Int64) {
        self.configuration = configuration
        self.legacyBefore = UInt64(max(0, startedAtMilliseconds + 60_000))
    }

    func start() -> Action { .takeLease }

    /// Whether the last failure should be logged (the first, then every 20th).
    var shouldReportFailure: Bool { failures == 1 || failures % 20 == 0 }

    mutating func leaseTaken(_ held: Bool) -> Action {
        guard held else {
            readingAhead = false
            checkPending = true
            checkRedis = true
            return .sleep(.milliseconds(configuration.leaseMilliseconds / 4))
        }
        return prepare()
    }

    /// The lease was taken anew rather than renewed: another server may have held it meanwhile,
    /// so Redis is checked and pending entries are read again before anything is announced.
    mutating func leaseWasNew() {
        readingAhead = false
        checkPending = true
        checkRedis = true
    }

    /// When a trim would next do something, if ever: the first durable point past the last cut
    /// of the log or of the op outcomes, aged by `trimAfter` or `opsGrace`. A worker that left
    /// the grid comes back then.
    func nextTrimDue() -> ContinuousClock.Instant? {
        let log = durablePoints.first { $0.version > logTrimmedBelow }.map { $0.at + configuration.trimAfter }
        let ops = durablePoints.first { $0.version > opsTrimmedBelow }.map { $0.at + configuration.opsGrace }
        return [log, ops].compactMap { $0 }.min()
    }

    mutating func redisEnsured() -> Action {
        checkRedis = false
        return prepare()
    }

    mutating func groupCreated() -> Action {
        groupReady = true
        return prepare()
    }

    /// What a read (`readPending`, `readNew` or `awaitReadAhead`) returned.
    mutating func read(_ events: [GridEvent], pending: Bool, now: ContinuousClock.Instant) -> Action {
        readingAhead = false
        if pending {
            checkPending = !events.isEmpty
            if events.isEmpty { return .readNew }
        }
        guard !events.isEmpty else { return trimOrContinue(now: now) }
        // Only new entries are read ahead: pending ones (after a failure or a new lease) must
        // all be written before anything newer is announced durable.
        let readAhead = !checkPending && events.count == configuration.batchSize
        readingAhead = readAhead
        return .write(events, readAhead: readAhead)
    }

    /// The batch up to `last` is in MySQL; `published` is false when this Redis lacked `last`
    /// (it restarted and lost it), so the grid is rebuilt before anyone relies on it.
    mutating func written(last: Version, published: Bool, now: ContinuousClock.Instant) -> Action {
        guard published else {
            readingAhead = false
            checkPending = true
            return .rebuild
        }
        failures = 0
        // Points at least 100 ms apart are enough to trim by: while the one before the newest is
        // younger than that, the newest moves on to this watermark instead of a point being added.
        // The newest always holds the latest watermark, so an idle grid is trimmed all the way.
        if durablePoints.count >= 2, now - durablePoints[durablePoints.count - 2].at < .milliseconds(100) {
            durablePoints[durablePoints.count - 1] = (now, last)
        } else {
            durablePoints.append((now, last))
        }
        return trimOrContinue(now: now)
    }

    mutating func rebuilt() -> Action { .takeLease }

    mutating func trimmed() -> Action { .takeLease }

    /// An action failed. `lostGroup`: Redis no longer has the consumer group.
    mutating func failed(lostGroup: Bool) -> Action {
        failures += 1
        readingAhead = false
        checkPending = true
        checkRedis = true
        if lostGroup { groupReady = false }
        return .sleep(.milliseconds(min(1000, 100 * failures)))
    }

    mutating func slept() -> Action { .takeLease }

    private func prepare() -> Action {
        if checkRedis { return .ensureRedis }
        if !groupReady { return .createGroup }
        if readingAhead { return .awaitReadAhead }
        return checkPending ? .readPending : .readNew
    }

    private mutating func trimOrContinue(now: ContinuousClock.Instant) -> Action {
        let logIndex = durablePoints.lastIndex { $0.at <= now - configuration.trimAfter }
        let opsIndex = durablePoints.lastIndex { $0.at <= now - configuration.opsGrace }
        var log: Version?
        var ops: Version?
        if let logIndex, durablePoints[logIndex].version > logTrimmedBelow {
            log = durablePoints[logIndex].version
            logTrimmedBelow = durablePoints[logIndex].version
        }
        if let opsIndex, durablePoints[opsIndex].version > opsTrimmedBelow {
            ops = durablePoints[opsIndex].version
            opsTrimmedBelow = durablePoints[opsIndex].version
        }
        // Points older than both used ones can never be a cut again.
        if let logIndex, let opsIndex { durablePoints.removeFirst(min(logIndex, opsIndex)) }
        var dropLegacy = false
        if !legacyDropped, let ops, ops.milliseconds > legacyBefore {
            dropLegacy = true
            legacyDropped = true
        }
        guard log != nil || ops != nil else { return .takeLease }
        return .trim(log: log, ops: ops, dropLegacy: dropLegacy)
    }
}
