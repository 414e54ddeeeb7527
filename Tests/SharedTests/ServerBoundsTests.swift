import Synchronization
import Testing
@testable import GridServerKit

@Suite("Statement chunks")
struct StatementChunksTests {
    @Test func everyBatchSizeSplitsIntoFewFixedStatementSizes() {
        var seen: Set<Int> = []
        for count in 0...2000 {
            let sizes = StatementChunks.sizes(for: count, maximum: 512)
            #expect(sizes.reduce(0, +) == count)
            #expect(sizes.allSatisfy { $0 > 0 && $0 <= 512 && $0 & ($0 - 1) == 0 })
            seen.formUnion(sizes)
        }
        #expect(seen.count == 10, "1, 2, 4 … 512: ten statement texts for any batch")
    }

    @Test func rangesCoverTheBatchInOrder() {
        let ranges = StatementChunks.ranges(for: 1000)
        #expect(ranges == [0..<512, 512..<768, 768..<896, 896..<960, 960..<992, 992..<1000])
    }
}

@Suite("Session outbox")
struct SessionOutboxTests {
    @Test func overflowsWhenTheFrameBoundIsReachedAndSaysSo() async {
        let gauge = QueueGauge()
        let outbox = SessionOutbox(limit: 3, gauge: gauge)
        #expect(outbox.send("a") && outbox.send("b") && outbox.send("c"))
        #expect(gauge.current == 3 && outbox.depth == 3)
        #expect(!outbox.send("d"))
        #expect(outbox.didOverflow)
        #expect(outbox.closeReason == "outbound queue overflow (client too slow)")
        var signals = 0
        for await _ in outbox.overflows { signals += 1 }
        #expect(signals == 1)
        #expect(!outbox.send("e"), "an overflowed outbox takes nothing more")
    }

    @Test func overflowsWhenTheByteBoundIsReachedButALargeWelcomeDoesNotCount() {
        let outbox = SessionOutbox(limit: 100, byteLimit: 10)
        #expect(outbox.send(String(repeating: "w", count: 50), counted: false), "a welcome larger than the bound is sent")
        #expect(outbox.send("12345") && outbox.send("67890"), "frames behind the welcome count alone")
        #expect(outbox.take().count == 3)
        outbox.written(frames: 1, bytes: 0)
        #expect(!outbox.send("x"), "taken is not written: the two frames still count")
        #expect(outbox.didOverflow)
    }

    @Test func aBurstWakesTheWriterOnceAndIsTakenWhole() {
        let wakes = Mutex(0)
        let outbox = SessionOutbox(limit: 100, wake: { _ in wakes.withLock { $0 += 1 } })
        for frame in ["a", "b", "c"] { outbox.send(frame) }
        #expect(wakes.withLock { $0 } == 1)
        #expect(outbox.take().map(\.text) == ["a", "b", "c"])
        outbox.send("d")
        #expect(wakes.withLock { $0 } == 2, "the first frame after a take wakes the writer again")
        #expect(outbox.take().map(\.text) == ["d"])
        #expect(outbox.take().isEmpty)
    }

    @Test func writtenFramesFreeTheirPlace() {
        let gauge = QueueGauge()
        let outbox = SessionOutbox(limit: 2, byteLimit: 4, gauge: gauge)
        for _ in 0..<10 {
            #expect(outbox.send("ab") && outbox.send("cd"))
            let taken = outbox.take()
            outbox.written(frames: taken.count, bytes: 4)
            #expect(outbox.depth == 0)
        }
        #expect(!outbox.didOverflow && gauge.current == 0)
        outbox.finish(reason: "server stopping")
        #expect(outbox.closeReason == "server stopping")
        #expect(outbox.isFinished && !outbox.send("late"), "a finished outbox takes nothing more")
    }

    @Test func closingGivesBackWhatWasNeverWritten() {
        let gauge = QueueGauge()
        let outbox = SessionOutbox(limit: 10, gauge: gauge)
        outbox.send("a")
        outbox.send("b")
        _ = outbox.take()
        outbox.close()
        #expect(gauge.current == 0 && outbox.depth == 0)
        outbox.written(frames: 2, bytes: 2)
        #expect(gauge.current == 0, "a write completing after the close changes nothing")
    }
}
