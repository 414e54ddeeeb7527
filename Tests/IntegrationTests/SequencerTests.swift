import Foundation
import Logging
import RedisClient
import Shared
import Testing

@testable import GridServerKit

/// The sequencer against the real Redis: the conflict rule holds under real concurrency.
@Suite(.serialized)
struct SequencerTests {
    static func submission(grid: String, op: String, cell: String = "A1", value: String?, base: Version, kind: EditKind = .set, user: String) -> Sequencer.Submission {
        Sequencer.Submission(
            grid: grid, op: op, kind: kind, cell: cell, value: value, base: base, user: user, session: "s-\(user)",
            server: "test", at: WallClock.nowMilliseconds()
        )
    }

    static func uniqueGrid(_ name: String) -> String {
        "\(name)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// A new grid: nothing to rebuild, so the sequencer may accept edits at once.
    static func newGrid(_ name: String, redis: RedisClient) async throws -> String {
        let grid = uniqueGrid(name)
        _ = try await redis.command(["SET", GridSchema(grid: grid).ready, "1"])
        return grid
    }

    @Test func twoConnectionsRacingOnOneCellGiveExactlyOneWinnerPerBaseVersion() async throws {
        let alice = try RedisTestSupport.makeClient()
        let bob = try RedisTestSupport.makeClient()
        let grid = try await Self.newGrid("race", redis: alice)
        let aliceSequencer = Sequencer(redis: alice)
        let bobSequencer = Sequencer(redis: bob)
        var base = Version.zero
        var conflicts = 0
        for round in 0..<100 {
            let roundBase = base
            async let first = aliceSequencer.submit(Self.submission(grid: grid, op: "a-\(round)", value: "alice \(round)", base: roundBase, user: "alice"))
            async let second = bobSequencer.submit(Self.submission(grid: grid, op: "b-\(round)", value: "bob \(round)", base: roundBase, user: "bob"))
            let results = try await [first, second]
            let accepted = results.compactMap { result -> Version? in
                if case .accepted(let version) = result.outcome { return version }
                return nil
            }
            try #require(accepted.count == 1, "round \(round): \(results)")
            for result in results {
                if case .conflict(_, let winner) = result.outcome {
                    #expect(winner.version == accepted[0])
                    conflicts += 1
                }
            }
            #expect(accepted[0] > base)
            base = accepted[0]
        }
        #expect(conflicts == 100)
        let contested = try await alice.command(["HGET", GridSchema(grid: grid).contested, "A1"])
        #expect(contested.string != nil, "the last losing write leaves the cell contested")
        await alice.shutdown()
        await bob.shutdown()
    }

    @Test func aResentOpIsAnsweredWithItsOriginalOutcomeAndWritesNothing() async throws {
        let redis = try RedisTestSupport.makeClient()
        let sequencer = Sequencer(redis: redis)
        let grid = try await Self.newGrid("dup", redis: redis)
        let keys = GridSchema(grid: grid)
        let first = try await sequencer.submit(Self.submission(grid: grid, op: "op-1", value: "one", base: .zero, user: "u"))
        let lost = try await sequencer.submit(Self.submission(grid: grid, op: "op-2", value: "two", base: .zero, user: "v"))
        let lengthBefore = try await redis.command(["XLEN", keys.log]).int
        let again = try await sequencer.submit(Self.submission(grid: grid, op: "op-1", value: "one", base: .zero, user: "u"))
        let lostAgain = try await sequencer.submit(Self.submission(grid: grid, op: "op-2", value: "two", base: .zero, user: "v"))
        #expect(!first.duplicate && again.duplicate && lostAgain.duplicate)
        #expect(again.outcome == first.outcome)
        #expect(lostAgain.outcome == lost.outcome)
        #expect(try await redis.command(["XLEN", keys.log]).int == lengthBefore)
        await redis.shutdown()
    }

    @Test func aWriteOnTheCurrentVersionResolvesTheContestedMark() async throws {
        let redis = try RedisTestSupport.makeClient()
        let sequencer = Sequencer(redis: redis)
        let grid = try await Self.newGrid("resolve", redis: redis)
        let keys = GridSchema(grid: grid)
        let won = try await sequencer.submit(Self.submission(grid: grid, op: "w", value: "first", base: .zero, user: "u"))
        _ = try await sequencer.submit(Self.submission(grid: grid, op: "l", value: "second", base: .zero, user: "v"))
        #expect(try await redis.command(["HEXISTS", keys.contested, "A1"]).int == 1)
        guard case .accepted(let version) = won.outcome else {
            Issue.record("first write must win")
            return
        }
        _ = try await sequencer.submit(Self.submission(grid: grid, op: "r", value: nil, base: version, kind: .resolve, user: "v"))
        #expect(try await redis.command(["HEXISTS", keys.contested, "A1"]).int == 0)
        await redis.shutdown()
    }
}

/// Many sessions submitting at once share one multiplexed connection per event loop; every one
/// still gets its own outcome.
@Suite(.serialized)
struct SequencerBatchingTests {
    @Test func concurrentSubmissionsThroughOnePipelineEachGetTheirOwnOutcome() async throws {
        let redis = try RedisTestSupport.makeClient()
        let grid = try await SequencerTests.newGrid("batch", redis: redis)
        let sequencer = Sequencer(redis: redis)
        // 200 edits at once: 100 cells written from 0-0 once each, then each again from 0-0 (a conflict).
        let results = try await withThrowingTaskGroup(of: (Int, Sequencer.Result).self) { group in
            for index in 0..<200 {
                group.addTask {
                    let cell = "C\(index % 100 + 1)"
                    return (index, try await sequencer.submit(SequencerTests.submission(
                        grid: grid, op: "op-\(index)", cell: cell, value: "v\(index)", base: .zero, user: "u\(index)"
                    )))
                }
            }
            var results: [Int: Sequencer.Result] = [:]
            for try await (index, result) in group { results[index] = result }
            return results
        }
        var accepted: [String: Version] = [:]
        var conflicts = 0
        for (index, result) in results {
            switch result.outcome {
            case .accepted(let version):
                #expect(accepted.updateValue(version, forKey: "C\(index % 100 + 1)") == nil, "two edits from 0-0 accepted on one cell")
            case .conflict(_, let winner):
                conflicts += 1
                #expect(winner.version != .zero)
            case .multiConflict:
                Issue.record("a single-cell edit lost as a multi-cell one")
            }
        }
        #expect(accepted.count == 100 && conflicts == 100)
        #expect(Set(accepted.values).count == 100, "every accepted edit has its own version")
        // A resend answers with the first outcome.
        let again = try await sequencer.submit(SequencerTests.submission(grid: grid, op: "op-0", cell: "C1", value: "v0", base: .zero, user: "u0"))
        #expect(again.duplicate && again.outcome == results[0]!.outcome)
        await redis.shutdown()
    }
}
