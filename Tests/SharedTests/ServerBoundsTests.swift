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

    @Test func overflowsWhenTheByteBoundIsReachedButALargeWelcomeDoesNotCount() async {
        let outbox = SessionOutbox(limit: 100, byteLimit: 10)
        #expect(outbox.send(String(repeating: "w", count: 50), counted: false), "a welcome larger than the bound is sent")
        #expect(outbox.send("12345") && outbox.send("67890"), "frames behind the welcome count alone")
        var iterator = outbox.frames.makeAsyncIterator()
        if let welcome = await iterator.next() { outbox.didWrite(welcome) }
        #expect(!outbox.send("x"))
        #expect(outbox.didOverflow)
    }

    @Test func writtenFramesFreeTheirPlace() async {
        let gauge = QueueGauge()
        let outbox = SessionOutbox(limit: 2, byteLimit: 4, gauge: gauge)
        var iterator = outbox.frames.makeAsyncIterator()
        for _ in 0..<10 {
            #expect(outbox.send("ab") && outbox.send("cd"))
            for _ in 0..<2 { if let frame = await iterator.next() { outbox.didWrite(frame) } }
            #expect(outbox.depth == 0)
        }
        #expect(!outbox.didOverflow && gauge.current == 0)
        outbox.finish(reason: "server stopping")
        #expect(outbox.closeReason == "server stopping")
        var signals = 0
        for await _ in outbox.overflows { signals += 1 }
        #expect(signals == 0, "finishing is not an overflow")
    }
}
