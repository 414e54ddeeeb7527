import Testing
@testable import GridTUIKit

@Suite("Key latency log")
struct KeyLatencyLogTests {
    @Test func everyKeyWaitingIsRecordedByTheNextDraw() {
        var log = KeyLatencyLog()
        let start = ContinuousClock.now
        log.read(at: start)
        log.read(at: start + .milliseconds(2))
        #expect(log.hasWaiting)
        log.drawn(at: start + .milliseconds(5))
        #expect(!log.hasWaiting)
        #expect(log.samples == [5, 3])
        log.drawn(at: start + .milliseconds(9))
        #expect(log.samples.count == 2, "a draw with no key waiting records nothing")
    }

    @Test func percentilesAndJSON() {
        var log = KeyLatencyLog()
        #expect(log.json == "{\"keys\":0,\"p50Ms\":0.000,\"p99Ms\":0.000,\"maxMs\":0.000}")
        let start = ContinuousClock.now
        for milliseconds in 1...100 {
            log.read(at: start)
            log.drawn(at: start + .milliseconds(milliseconds))
        }
        #expect(log.percentile(0.5) == 50 && log.percentile(0.99) == 99)
        #expect(log.json == "{\"keys\":100,\"p50Ms\":50.000,\"p99Ms\":99.000,\"maxMs\":100.000}")
    }
}

@Suite("Key lane")
struct KeyLaneTests {
    @Test func keysComeOutInOrderAndOnlyTheFirstWakesTheLoop() {
        let lane = KeyLane()
        let now = ContinuousClock.now
        #expect(lane.push(.up, readAt: now))
        #expect(!lane.push(.down, readAt: now), "the loop is already woken")
        #expect(lane.drain().map(\.key) == [.up, .down])
        #expect(lane.drain().isEmpty)
        #expect(lane.push(.left, readAt: now), "an empty lane wakes the loop again")
    }
}
