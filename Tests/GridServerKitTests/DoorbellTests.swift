import Testing

@testable import GridServerKit

/// The persister's dispatcher sleeps on a `Doorbell` when nothing is due. A wait that ends by its
/// timeout must leave the bell working: with an `AsyncStream` inside, every later wait returned
/// at once and the dispatcher spun on Redis reads.
struct DoorbellTests {
    @Test func waitsAfterTimeoutsStillWaitAndARingEndsThem() async {
        let bell = Doorbell()
        let clock = ContinuousClock()
        for _ in 0..<3 {
            let waited = await clock.measure { await bell.wait(atMost: .milliseconds(40)) }
            #expect(waited >= .milliseconds(35), "a wait with no ring lasts its timeout: \(waited)")
        }
        let ringer = Task {
            try? await Task.sleep(for: .milliseconds(20))
            bell.ring()
        }
        let rung = await clock.measure { await bell.wait(atMost: .seconds(10)) }
        #expect(rung < .seconds(5), "a ring ends the wait: \(rung)")
        await ringer.value
    }

    @Test func aRingWhileNobodyWaitsIsKeptForTheNextWaitOnly() async {
        let bell = Doorbell()
        bell.ring()
        bell.ring()
        let clock = ContinuousClock()
        #expect(await clock.measure { await bell.wait(atMost: .seconds(10)) } < .seconds(5))
        #expect(await clock.measure { await bell.wait(atMost: .milliseconds(40)) } >= .milliseconds(35), "two rings are kept as one")
    }

    @Test func cancellingAWaitEndsIt() async {
        let bell = Doorbell()
        let waiting = Task { await bell.wait(atMost: .seconds(30)) }
        try? await Task.sleep(for: .milliseconds(20))
        waiting.cancel()
        let clock = ContinuousClock()
        #expect(await clock.measure { await waiting.value } < .seconds(5))
    }
}
