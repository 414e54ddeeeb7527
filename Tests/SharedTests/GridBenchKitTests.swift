import Foundation
import Testing
@testable import GridBenchKit
import Shared

@Suite("grid-bench frame scanner")
struct FrameScannerTests {
    private let codec = WireCodec()

    @Test func readsAnEventTheServerEncodes() throws {
        let event = GridEvent(
            id: Version(milliseconds: 1795947251802, sequence: 3), kind: .set, cell: "C3", value: "12345", old: "x\"y",
            base: .zero, user: "alice", session: "s1", server: "grid-1", op: "ab.2.7", at: 1
        )
        let frame = try #require(FrameScanner.scan(codec.encode(ServerMessage.event(event))))
        #expect(frame == .event(id: event.id, kind: "set", cell: "C3", op: "ab.2.7", value: "12345"))
    }

    @Test func readsTheTopLevelValueOfAConflictNotTheWinners() throws {
        let event = GridEvent(
            id: Version(milliseconds: 5, sequence: 0), kind: .conflict, cell: "A1", value: "mine", base: .zero,
            user: "bob", session: "s", server: "g", op: "r.1.1", at: 1,
            winner: CellState(value: "theirs", version: Version(milliseconds: 4, sequence: 0), user: "alice", at: 1)
        )
        #expect(FrameScanner.scan(codec.encode(ServerMessage.event(event))) == .event(id: event.id, kind: "conflict", cell: "A1", op: "r.1.1", value: "mine"))
    }

    @Test func readsAnswersDurableAndErrors() {
        let version = Version(milliseconds: 9, sequence: 1)
        #expect(FrameScanner.scan(codec.encode(ServerMessage.ack(.init(op: "o", cell: "A1", version: version)))) == .ack(op: "o", version: version))
        #expect(FrameScanner.scan(codec.encode(ServerMessage.conflict(.init(
            op: "o", cell: "A1", version: version, yours: "1", base: .zero, theirs: CellState(value: nil, version: .zero, user: "", at: 0)
        )))) == .conflict(op: "o", version: version))
        #expect(FrameScanner.scan(codec.encode(ServerMessage.durable(.init(version: version)))) == .durable(version))
        #expect(FrameScanner.scan(codec.encode(ServerMessage.error(.init(code: .redisUnavailable, message: "gone, \"really\"")))) == .error(code: "redis_unavailable", fatal: true, op: nil))
        #expect(FrameScanner.scan(#"{"t":5,"type":"pong"}"#) == .other(type: "pong"))
    }

    @Test func readsAWelcomeWithNestedCells() {
        let text = #"{"cells":{"A1":{"at":1,"user":"a","value":"}{\"","version":"1-0"}},"server":"grid-2","type":"welcome","users":[{"x":[1,2]}],"version":"7-1"}"#
        #expect(FrameScanner.scan(text) == .welcome(version: Version(milliseconds: 7, sequence: 1), server: "grid-2"))
    }

    @Test func rejectsWhatIsNotAnObjectWithAType() {
        #expect(FrameScanner.scan("[1,2]") == nil)
        #expect(FrameScanner.scan(#"{"a":"b"}"#) == nil)
        #expect(FrameScanner.scan(#"{"type":"ev"#) == nil)
    }

    @Test func unescapesCommonEscapes() {
        #expect(FrameScanner.unescape(#"a\"b\\c\nd\u00e9"#) == "a\"b\\c\nd\u{e9}")
    }
}

@Suite("grid-bench plan")
struct GridBenchPlanTests {
    @Test func opIdsRoundTripAndIgnoreOtherRuns() {
        let op = BenchOp(run: "3fa1", sender: 12, sequence: 40)
        #expect(BenchOp(op.text, run: "3fa1") == op)
        #expect(BenchOp(op.text, run: "beef") == nil)
        #expect(BenchOp("3fa1-1", run: "3fa1") == nil)
    }

    @Test func helloCarriesTheToken() throws {
        let text = HelloFactory(token: "t0k").frame(user: "bench1", grid: "g")
        let message = try WireCodec().decodeClientMessage(text)
        #expect(message == .hello(.init(user: "bench1", grid: "g", token: "t0k", client: "grid-bench")))
    }

    @Test func seedPlanWritesEveryCellAndEndsEachAtItsLastWrite() {
        let plan = GridSeeder.Plan(grid: "g", cells: 250, history: 1000, now: 10_000_000)
        #expect(Set((0..<1000).map(plan.cell)).count == 250)
        #expect(plan.cell(0) == "A1" && plan.cell(99) == "CV1" && plan.cell(100) == "A2" && plan.cell(250) == "A1")
        for index in [0, 1, 249] {
            let last = plan.lastWrite(ofCell: index)
            #expect(last % 250 == index && last + 250 >= 1000 && last < 1000)
        }
        #expect(plan.sortKey(3).count == 40)
        #expect(Version(plan.version(999))! > Version(plan.version(998))!)
    }

    @Test func latencySummaryIsInMilliseconds() {
        var stats = LatencyStats()
        for micros in 1...1000 { stats.record(nanoseconds: UInt64(micros) * 1000) }
        let summary = stats.summary
        #expect(summary.count == 1000)
        #expect(abs(summary.p50 - 0.5) < 0.01)
        #expect(abs(summary.max - 1.0) < 0.01)
    }
}

@Suite("grid-bench /proc parsing")
struct ProcessSamplerTests {
    @Test func cpuTicksCountFromTheLastParenthesis() {
        let stat = "1234 (grid server) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 8 0 100 1000000 500 18446744073709551615"
        #expect(ProcessSampler.cpuTicks(stat: stat) == 300)
    }

    @Test func readsKiBFieldsOfStatus() {
        let status = "Name:\tgrid-server\nVmHWM:\t   20480 kB\nVmRSS:\t   10240 kB\n"
        #expect(ProcessSampler.kibField("VmRSS", status) == 10240)
        #expect(ProcessSampler.kibField("VmHWM", status) == 20480)
    }

    @Test func samplesThisProcess() throws {
        let sample = try #require(ProcessSampler.read(pid: getpid()))
        #expect(sample.rssKiB > 0 && sample.peakRSSKiB >= sample.rssKiB)
    }
}
