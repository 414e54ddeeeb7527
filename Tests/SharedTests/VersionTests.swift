import Foundation
import Testing
@testable import Shared

@Suite("Version")
struct VersionTests {
    @Test func parsesMillisecondsAndSequence() throws {
        let version = try #require(Version("123-4"))
        #expect(version.milliseconds == 123)
        #expect(version.sequence == 4)
    }

    @Test func parsesMillisecondsAloneAsSequenceZero() throws {
        let version = try #require(Version("123"))
        #expect(version == Version(milliseconds: 123, sequence: 0))
    }

    @Test func parsesZero() {
        #expect(Version("0-0") == .zero)
        #expect(Version("0") == .zero)
    }

    @Test func parsesLargestValues() throws {
        let max = try #require(Version("18446744073709551615-18446744073709551615"))
        #expect(max.milliseconds == .max)
        #expect(max.sequence == .max)
    }

    @Test(arguments: [
        "-1", "a-b", "1-2-3", "", "-", "1-", "1--2", "--", " 1-2", "1-2 ", "1 -2", "1.5-0", "0x10-0", "1-b", "a-1",
        "18446744073709551616-0", "0-18446744073709551616", "*", "+", "$",
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(Version(text) == nil, "\(text.debugDescription) should be rejected")
    }

    @Test func rejectsExplicitlySignedNumbers() {
        #expect(Version("+1-2") == nil)
        #expect(Version("1-+2") == nil)
        #expect(Version("+5") == nil)
    }

    @Test(arguments: ["0-0", "1-0", "123-4", "1700000000000-17", "18446744073709551615-18446744073709551615"])
    func descriptionRoundTrips(_ text: String) throws {
        let version = try #require(Version(text))
        #expect(version.description == text)
        #expect(Version(version.description) == version)
    }

    @Test func describesMillisecondsOnlyFormWithSequence() {
        #expect(Version("42")?.description == "42-0")
    }

    @Test func ordersByMillisecondsBeforeSequence() throws {
        let tenZero = try #require(Version("10-0"))
        let nineNinetyNine = try #require(Version("9-99"))
        #expect(tenZero > nineNinetyNine)
        #expect(nineNinetyNine < tenZero)
        #expect(Version(milliseconds: 1, sequence: 5) < Version(milliseconds: 2, sequence: 0))
        #expect(Version(milliseconds: 5, sequence: 1) < Version(milliseconds: 5, sequence: 2))
        #expect(Version.zero < Version(milliseconds: 0, sequence: 1))
        #expect(!(tenZero < tenZero))
        #expect(tenZero == Version(milliseconds: 10, sequence: 0))
    }

    @Test func sortsNumericallyNotLexically() {
        let texts = ["10-0", "9-99", "9-100", "100-0", "9-2", "0-0"]
        let sorted = texts.compactMap { Version($0) }.sorted().map(\.description)
        #expect(sorted == ["0-0", "9-2", "9-99", "9-100", "10-0", "100-0"])
    }

    @Test func nextIncrementsSequence() {
        #expect(Version(milliseconds: 5, sequence: 3).next == Version(milliseconds: 5, sequence: 4))
        #expect(Version.zero.next == Version(milliseconds: 0, sequence: 1))
    }

    @Test func nextCarriesIntoMillisecondsAtMaxSequence() {
        let version = Version(milliseconds: 5, sequence: .max)
        #expect(version.next == Version(milliseconds: 6, sequence: 0))
        #expect(version.next > version)
    }

    @Test func nextIsTheSmallestGreaterVersion() {
        let samples = [Version.zero, Version(milliseconds: 7, sequence: 0), Version(milliseconds: 7, sequence: 41)]
        for version in samples {
            #expect(version.next > version)
            #expect(!(Version(milliseconds: version.milliseconds, sequence: version.sequence + 1) < version.next))
        }
    }

    @Test func encodesAsJSONString() throws {
        let data = try JSONEncoder().encode(Version(milliseconds: 123, sequence: 4))
        #expect(String(decoding: data, as: UTF8.self) == "\"123-4\"")
    }

    @Test func decodesFromJSONString() throws {
        let version = try JSONDecoder().decode(Version.self, from: Data("\"7-8\"".utf8))
        #expect(version == Version(milliseconds: 7, sequence: 8))
        let short = try JSONDecoder().decode(Version.self, from: Data("\"7\"".utf8))
        #expect(short == Version(milliseconds: 7, sequence: 0))
    }

    @Test func roundTripsThroughJSONInsideContainers() throws {
        let values: [String: Version] = ["a": .zero, "b": Version(milliseconds: 1_700_000_000_000, sequence: 3)]
        let data = try JSONEncoder().encode(values)
        #expect(try JSONDecoder().decode([String: Version].self, from: data) == values)
    }

    @Test(arguments: ["\"not-a-version\"", "123", "{\"milliseconds\":1,\"sequence\":2}", "null", "\"\""])
    func rejectsNonVersionJSON(_ json: String) {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Version.self, from: Data(json.utf8))
        }
    }
}
