import Testing
@testable import Shared

@Suite("ConflictRule.decide")
struct ConflictRuleTests {
    static let v1 = Version(milliseconds: 1, sequence: 0)
    static let v2 = Version(milliseconds: 2, sequence: 0)
    static let v2b = Version(milliseconds: 2, sequence: 1)

    @Test(arguments: [
        (Version.zero, Version.zero), (v1, v1), (v1, Version.zero), (Version.zero, v1), (v2, v1), (v1, v2), (v2b, v2),
    ])
    func duplicateWinsOverEverything(current: Version, base: Version) {
        #expect(ConflictRule.decide(alreadySequenced: true, currentVersion: current, base: base) == .duplicate)
    }

    @Test(arguments: [Version.zero, v1, v2b, Version(milliseconds: .max, sequence: .max)])
    func acceptsWhenBaseEqualsCurrent(version: Version) {
        #expect(ConflictRule.decide(alreadySequenced: false, currentVersion: version, base: version) == .accept)
    }

    @Test func conflictCarriesCurrentVersionWhenBaseIsStale() {
        #expect(ConflictRule.decide(alreadySequenced: false, currentVersion: Self.v2, base: Self.v1) == .conflict(current: Self.v2))
        #expect(ConflictRule.decide(alreadySequenced: false, currentVersion: Self.v2b, base: Self.v2) == .conflict(current: Self.v2b))
    }

    @Test func baseAheadOfCurrentIsAlsoAConflict() {
        #expect(ConflictRule.decide(alreadySequenced: false, currentVersion: Self.v1, base: Self.v2) == .conflict(current: Self.v1))
    }

    @Test func neverWrittenCellAcceptsBaseZero() {
        #expect(ConflictRule.decide(alreadySequenced: false, currentVersion: .zero, base: .zero) == .accept)
    }

    @Test(arguments: [v1, v2, v2b, Version(milliseconds: 0, sequence: 1)])
    func neverWrittenCellRejectsAnyOtherBase(base: Version) {
        #expect(ConflictRule.decide(alreadySequenced: false, currentVersion: .zero, base: base) == .conflict(current: .zero))
    }

    @Test func writtenCellRejectsBaseZero() {
        #expect(ConflictRule.decide(alreadySequenced: false, currentVersion: Self.v1, base: .zero) == .conflict(current: Self.v1))
    }
}
