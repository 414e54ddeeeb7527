import Shared
import Testing

@testable import GridServerKit

@Suite("PersisterStateMachine")
struct PersisterStateMachineTests {
    let start = ContinuousClock.now
    let wallStart: Int64 = 1_800_000_000_000

    func machine(batchSize: Int = 3, trimAfter: Duration = .seconds(60), opsGrace: Duration = .seconds(300)) -> PersisterStateMachine {
        PersisterStateMachine(
            configuration: .init(batchSize: batchSize, leaseMilliseconds: 4000, trimAfter: trimAfter, opsGrace: opsGrace),
            startedAtMilliseconds: wallStart
        )
    }

    func events(_ milliseconds: [UInt64]) -> [GridEvent] {
        milliseconds.map { GridEvent(id: Version(milliseconds: $0, sequence: 0), kind: .set, cell: "A1", value: "v", at: Int64($0)) }
    }

    /// Takes the lease and prepares: verifies Redis, creates the group; returns the first read.
    func prepared(_ machine: inout PersisterStateMachine) -> PersisterStateMachine.Action {
        #expect(machine.start() == .takeLease)
        #expect(machine.leaseTaken(true) == .ensureRedis)
        #expect(machine.redisEnsured() == .createGroup)
        return machine.groupCreated()
    }

    @Test func aNewLeaseVerifiesRedisCreatesTheGroupAndWritesPendingEntriesFirst() {
        var machine = machine()
        #expect(prepared(&machine) == .readPending)
        let pending = events([1, 2, 3])
        // A full batch of pending entries is not read ahead: all of them go before anything new.
        #expect(machine.read(pending, pending: true, now: start) == .write(pending, readAhead: false))
        #expect(machine.written(last: pending[2].id, published: true, now: start) == .takeLease)
        #expect(machine.leaseTaken(true) == .readPending)
        #expect(machine.read([], pending: true, now: start) == .readNew)
    }

    @Test func aFullBatchOfNewEntriesReadsTheNextOneAhead() {
        var machine = machine()
        _ = prepared(&machine)
        _ = machine.read([], pending: true, now: start)
        let full = events([1, 2, 3])
        #expect(machine.read(full, pending: false, now: start) == .write(full, readAhead: true))
        #expect(machine.written(last: full[2].id, published: true, now: start) == .takeLease)
        #expect(machine.leaseTaken(true) == .awaitReadAhead)
        let partial = events([4])
        #expect(machine.read(partial, pending: false, now: start) == .write(partial, readAhead: false))
        _ = machine.written(last: partial[0].id, published: true, now: start)
        #expect(machine.leaseTaken(true) == .readNew)
    }

    @Test func losingTheLeaseForgetsTheReadAheadAndSleeps() {
        var machine = machine()
        _ = prepared(&machine)
        _ = machine.read([], pending: true, now: start)
        _ = machine.read(events([1, 2, 3]), pending: false, now: start)
        _ = machine.written(last: Version(milliseconds: 3, sequence: 0), published: true, now: start)
        #expect(machine.leaseTaken(false) == .sleep(.milliseconds(1000)))
        #expect(machine.slept() == .takeLease)
        // Back with the lease: Redis is checked again and pending entries come first.
        #expect(machine.leaseTaken(true) == .ensureRedis)
        #expect(machine.redisEnsured() == .readPending)
    }

    @Test func aRedisThatLostTheBatchIsRebuiltAndPendingEntriesReadAgain() {
        var machine = machine()
        _ = prepared(&machine)
        let batch = events([1, 2])
        _ = machine.read(batch, pending: true, now: start)
        #expect(machine.written(last: batch[1].id, published: false, now: start) == .rebuild)
        #expect(machine.rebuilt() == .takeLease)
        #expect(machine.leaseTaken(true) == .readPending)
    }

    @Test func failuresBackOffAndAreReportedFirstThenEveryTwentieth() {
        var machine = machine()
        _ = prepared(&machine)
        var sleeps: [PersisterStateMachine.Action] = []
        var reported: [Int] = []
        for attempt in 1...40 {
            sleeps.append(machine.failed(lostGroup: attempt == 1))
            if machine.shouldReportFailure { reported.append(machine.failures) }
            #expect(machine.slept() == .takeLease)
        }
        #expect(sleeps.prefix(3) == [.sleep(.milliseconds(100)), .sleep(.milliseconds(200)), .sleep(.milliseconds(300))])
        #expect(sleeps.last == .sleep(.milliseconds(1000)))
        #expect(reported == [1, 20, 40])
        // After a failure Redis is checked, a lost group created again, and pending entries read.
        #expect(machine.leaseTaken(true) == .ensureRedis)
        #expect(machine.redisEnsured() == .createGroup)
        #expect(machine.groupCreated() == .readPending)
        let batch = events([5])
        _ = machine.read(batch, pending: true, now: start)
        _ = machine.written(last: batch[0].id, published: true, now: start)
        #expect(machine.failures == 0)
    }

    @Test func theLogIsTrimmedOnlyBelowAWatermarkDurableForTheTrimDelay() {
        var machine = machine(trimAfter: .seconds(60), opsGrace: .seconds(300))
        _ = prepared(&machine)
        let first = Version(milliseconds: 10, sequence: 0)
        _ = machine.read(events([10]), pending: true, now: start)
        #expect(machine.written(last: first, published: true, now: start) == .takeLease)
        let second = Version(milliseconds: 20, sequence: 0)
        _ = machine.leaseTaken(true)
        _ = machine.read(events([20]), pending: true, now: start + .seconds(59))
        #expect(machine.written(last: second, published: true, now: start + .seconds(59)) == .takeLease)
        // Idle, a minute after the first watermark: the log goes below it, op outcomes stay.
        _ = machine.leaseTaken(true)
        _ = machine.read([], pending: true, now: start + .seconds(60))
        #expect(machine.read([], pending: false, now: start + .seconds(60)) == .trim(log: first, ops: nil, dropLegacy: false))
        #expect(machine.trimmed() == .takeLease)
        // Not again for the same watermark.
        #expect(machine.read([], pending: false, now: start + .seconds(61)) == .takeLease)
        #expect(machine.read([], pending: false, now: start + .seconds(119)) == .trim(log: second, ops: nil, dropLegacy: false))
    }

    @Test func opOutcomesAreTrimmedOnlyAfterTheGracePeriodEvenWhenIdle() {
        var machine = machine(trimAfter: .seconds(1), opsGrace: .seconds(10))
        _ = prepared(&machine)
        let durable = Version(milliseconds: 100, sequence: 4)
        _ = machine.read(events([100]), pending: true, now: start)
        _ = machine.written(last: durable, published: true, now: start)
        _ = machine.leaseTaken(true)
        _ = machine.read([], pending: true, now: start)
        #expect(machine.read([], pending: false, now: start + .seconds(2)) == .trim(log: durable, ops: nil, dropLegacy: false))
        #expect(machine.read([], pending: false, now: start + .seconds(9)) == .takeLease)
        #expect(machine.read([], pending: false, now: start + .seconds(10)) == .trim(log: nil, ops: durable, dropLegacy: false))
        #expect(machine.read([], pending: false, now: start + .seconds(100)) == .takeLease)
    }

    @Test func batchesWithinATenthOfASecondShareOnePointAndTheNewestWatermarkIsAlwaysKept() {
        var machine = machine(trimAfter: .seconds(1), opsGrace: .seconds(1))
        _ = prepared(&machine)
        let (one, two, three) = (Version(milliseconds: 1, sequence: 0), Version(milliseconds: 2, sequence: 0), Version(milliseconds: 3, sequence: 0))
        _ = machine.read(events([1]), pending: true, now: start)
        _ = machine.written(last: one, published: true, now: start)
        _ = machine.read(events([2]), pending: false, now: start + .milliseconds(50))
        _ = machine.written(last: two, published: true, now: start + .milliseconds(50))
        // Within 100 ms of the point before: the newest point moves on from two to three.
        _ = machine.read(events([3]), pending: false, now: start + .milliseconds(80))
        _ = machine.written(last: three, published: true, now: start + .milliseconds(80))
        #expect(machine.read([], pending: false, now: start + .milliseconds(1060)) == .trim(log: one, ops: one, dropLegacy: false))
        // Idle: the last watermark is trimmed to once it is old enough.
        #expect(machine.read([], pending: false, now: start + .milliseconds(1079)) == .takeLease)
        #expect(machine.read([], pending: false, now: start + .milliseconds(1080)) == .trim(log: three, ops: three, dropLegacy: false))
    }

    @Test func theLegacyOpHashIsDroppedOnceOutcomesAreTrimmedPastTheStart() {
        var machine = machine(trimAfter: .seconds(1), opsGrace: .seconds(1))
        _ = prepared(&machine)
        // Durable up to a version from before the start (plus the minute of margin): keep it.
        let old = Version(milliseconds: UInt64(wallStart + 30_000), sequence: 0)
        _ = machine.read(events([old.milliseconds]), pending: true, now: start)
        _ = machine.written(last: old, published: true, now: start)
        _ = machine.leaseTaken(true)
        #expect(machine.read([], pending: true, now: start + .seconds(2)) == .readNew)
        #expect(machine.read([], pending: false, now: start + .seconds(2)) == .trim(log: old, ops: old, dropLegacy: false))
        let later = Version(milliseconds: UInt64(wallStart + 61_000), sequence: 0)
        _ = machine.read(events([later.milliseconds]), pending: false, now: start + .seconds(3))
        _ = machine.written(last: later, published: true, now: start + .seconds(3))
        _ = machine.leaseTaken(true)
        #expect(machine.read([], pending: false, now: start + .seconds(5)) == .trim(log: later, ops: later, dropLegacy: true))
        let last = Version(milliseconds: UInt64(wallStart + 70_000), sequence: 0)
        _ = machine.read(events([last.milliseconds]), pending: false, now: start + .seconds(6))
        _ = machine.written(last: last, published: true, now: start + .seconds(6))
        #expect(machine.read([], pending: false, now: start + .seconds(8)) == .trim(log: last, ops: last, dropLegacy: false))
    }
}
