import GridServerKit
import Shared
import Testing

@Suite("TokenBucket")
struct TokenBucketTests {
    let start = ContinuousClock.now

    @Test func aFullBucketAllowsTheBurstThenRefuses() {
        var bucket = TokenBucket(ratePerSecond: 10, burst: 5, now: start)
        let taken = (0..<8).map { _ in bucket.take(now: start) }
        #expect(taken == [true, true, true, true, true, false, false, false])
    }

    @Test func refillsAtTheRate() {
        var bucket = TokenBucket(ratePerSecond: 10, burst: 5, now: start)
        for _ in 0..<5 { _ = bucket.take(now: start) }
        let result1 = bucket.take(now: start + .milliseconds(50))
        #expect(!result1, "half a token is not a token")
        let result2 = bucket.take(now: start + .milliseconds(100))
        #expect(result2)
        let result3 = bucket.take(now: start + .milliseconds(100))
        #expect(!result3)
        let result4 = bucket.available(now: start + .milliseconds(400))
        #expect(result4 == 3)
    }

    @Test func neverHoldsMoreThanTheBurst() {
        var bucket = TokenBucket(ratePerSecond: 1000, burst: 3, now: start)
        let result5 = bucket.available(now: start + .seconds(3600))
        #expect(result5 == 3)
    }

    @Test func aClockGoingBackAddsNothing() {
        var bucket = TokenBucket(ratePerSecond: 10, burst: 1, now: start + .seconds(1))
        let result6 = bucket.take(now: start + .seconds(1))
        #expect(result6)
        let result7 = bucket.take(now: start)
        #expect(!result7)
        let result8 = bucket.take(now: start + .milliseconds(1100))
        #expect(result8)
    }

    @Test func sustainedRateMatchesTheConfiguredRate() {
        var bucket = TokenBucket(ratePerSecond: 50, burst: 10, now: start)
        var accepted = 0
        // 10,000 attempts spread over 10 simulated seconds: the burst plus 50 a second.
        for step in 0..<10_000 where bucket.take(now: start + .milliseconds(step)) { accepted += 1 }
        #expect((505...510).contains(accepted), "accepted \(accepted)")
    }
}

@Suite("SessionAdmission")
struct SessionAdmissionTests {
    @Test func refusesTheUserPastItsLimit() {
        var admission = SessionAdmission(maxPerServer: 10, maxPerUser: 2)
        let result9 = admission.admit(user: "ann")
        #expect(result9 == nil)
        let result10 = admission.admit(user: "ann")
        #expect(result10 == nil)
        let result11 = admission.admit(user: "ann")
        #expect(result11 == .userFull(limit: 2))
        let result12 = admission.admit(user: "bob")
        #expect(result12 == nil, "other users are not affected")
        #expect(admission.sessions(of: "ann") == 2)
        #expect(admission.total == 3)
    }

    @Test func refusesEveryonePastTheServerLimit() {
        var admission = SessionAdmission(maxPerServer: 2, maxPerUser: 5)
        let result13 = admission.admit(user: "ann")
        #expect(result13 == nil)
        let result14 = admission.admit(user: "bob")
        #expect(result14 == nil)
        let result15 = admission.admit(user: "cy")
        #expect(result15 == .serverFull(limit: 2))
        #expect(admission.total == 2)
    }

    @Test func releasingMakesRoomAgain() {
        var admission = SessionAdmission(maxPerServer: 2, maxPerUser: 1)
        let result16 = admission.admit(user: "ann")
        #expect(result16 == nil)
        admission.release(user: "ann")
        #expect(admission.sessions(of: "ann") == 0)
        #expect(admission.total == 0)
        let result17 = admission.admit(user: "ann")
        #expect(result17 == nil)
    }

    @Test func releasingAnUnknownUserChangesNothing() {
        var admission = SessionAdmission(maxPerServer: 2, maxPerUser: 1)
        let result18 = admission.admit(user: "ann")
        #expect(result18 == nil)
        admission.release(user: "zed")
        #expect(admission.total == 1)
    }

    @Test func refusalsSayWhatToDo() {
        #expect(SessionAdmission.Refusal.userFull(limit: 3).message.contains("close one of them"))
        #expect(SessionAdmission.Refusal.serverFull(limit: 3).message.contains("another server"))
    }
}

@Suite("NameRules limits")
struct NameRulesLimitTests {
    @Test func lengthLimitsAreConfigurable() {
        #expect(NameRules.isValidUser(String(repeating: "a", count: 32)))
        #expect(!NameRules.isValidUser(String(repeating: "a", count: 33)))
        #expect(NameRules.isValidUser(String(repeating: "a", count: 33), maxBytes: 40))
        #expect(!NameRules.isValidGrid("abcd", maxBytes: 3))
        #expect(!NameRules.isValidGrid("a b"))
        #expect(!NameRules.isValidUser("'; DROP TABLE ops; --"))
        #expect(!NameRules.isValidUser("\u{1b}[2J"))
    }
}

@Suite("Limits")
struct LimitsTests {
    @Test func boundsAreConfigurable() {
        var limits = ServerConfiguration.Limits()
        #expect(limits.boundsDescription == "A1 to XFD1048576")
        limits.maxColumns = 26
        limits.maxRows = 100
        #expect(limits.boundsDescription == "A1 to Z100")
        #expect(limits.contains(CellAddress("Z100")!))
        #expect(!limits.contains(CellAddress("AA1")!))
        #expect(!limits.contains(CellAddress("A101")!))
    }
}
