import Testing

@testable import GridServerKit

/// A check behind a partition blocks until its own I/O timeout; /healthz answers by its deadline
/// instead, and says why.
struct HealthAnswerTests {
    struct Refused: Error {}

    @Test func aCheckThatNeverAnswersIsUnreachableByTheDeadline() async {
        let answer = await HealthReport.answer(within: .milliseconds(50)) {
            try await Task.sleep(for: .seconds(3600))
        }
        #expect(answer == "unreachable: no answer within 50 ms")
    }

    @Test func answersAndErrorsComeThroughBeforeTheDeadline() async {
        #expect(await HealthReport.answer(within: .seconds(60)) {} == "ok")
        let failed = await HealthReport.answer(within: .seconds(60)) { throw Refused() }
        #expect(failed.hasPrefix("unreachable: "), "\(failed)")
        #expect(!failed.contains("no answer"))
    }
}
