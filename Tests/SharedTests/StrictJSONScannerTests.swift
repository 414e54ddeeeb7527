import Testing
@testable import Shared

@Suite("StrictJSONScanner")
struct StrictJSONScannerTests {
    let scanner = StrictJSONScanner()

    private func reason(_ text: String) -> StrictJSONScanner.Failure.Reason? {
        do {
            _ = try scanner.scan(Array(text.utf8))
            return nil
        } catch {
            return error.reason
        }
    }

    @Test(arguments: [
        "{}", "[]", "0", "-0", "1.5e-3", "\"\"", "true", "false", "null", " \t\r\n{ \"a\" : [ 1 , {\"b\":null} ] } ",
        #"{"a":"\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"}"#, "{\"é\":\"表\",\"ü\":1}", #"[1,[2,[3]]]"#,
    ])
    func acceptsValidJSON(_ text: String) {
        #expect(reason(text) == nil)
    }

    @Test(arguments: [
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "'a'", "01", "1.", ".5", "1e", "-", "+1", "tru", "nul",
        "NaN", "Infinity", "\"\\x\"", "\"\\u12\"", "\"abc", "{} {}", "[1 2]", "\"\u{1F}\"", "{\"a\":1]", "[1}",
    ])
    func rejectsInvalidSyntax(_ text: String) {
        guard case .syntax = reason(text) else {
            Issue.record("\(text.debugDescription) should be a syntax error, got \(String(describing: reason(text)))")
            return
        }
    }

    @Test func rejectsLoneSurrogateEscapes() {
        #expect(reason(#""\ud800""#) != nil)
        #expect(reason(#""\udc00""#) != nil)
        #expect(reason(#""\ud800\u0041""#) != nil)
        #expect(reason(#""\ud800\ud800""#) != nil)
    }

    @Test func findsDuplicatesAtAnyDepthAfterUnescaping() {
        #expect(reason(#"{"a":1,"a":2}"#) == .duplicateMember("a"))
        #expect(reason(#"{"type":1,"\u0074ype":2}"#) == .duplicateMember("type"))
        #expect(reason(#"{"x":[{"k":1,"k":1}]}"#) == .duplicateMember("k"))
        #expect(reason(#"{"x":{"k":1},"y":{"k":1}}"#) == nil, "the same name in sibling objects is fine")
    }

    /// Swift compares strings by canonical equivalence, and so do the decoder's keyed lookups:
    /// two spellings of one name would leave it to chance which one is read.
    @Test func canonicallyEquivalentNamesAreDuplicates() {
        #expect(reason(#"{"é":1,"é":2}"#) == .duplicateMember("e\u{301}"))
        #expect(reason("{\"\u{212A}ey\":1,\"Key\":2}") == .duplicateMember("Key"))
    }

    @Test func limitsNestingWithoutRecursion() {
        #expect(reason(String(repeating: "[", count: 32) + String(repeating: "]", count: 32)) == nil)
        #expect(reason(String(repeating: "[", count: 33) + String(repeating: "]", count: 33)) == .tooDeep(32))
        #expect(reason(String(repeating: "{\"a\":", count: 100_000)) == .tooDeep(32))
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: StrictJSONScanner.Failure.self) { try scanner.scan([0x22, 0xFF, 0x22]) }
        do {
            _ = try scanner.scan([0x22, 0xE2, 0x82, 0x22])
            Issue.record("a truncated sequence must fail")
        } catch {
            #expect(error.reason == .invalidUTF8)
        }
    }

    @Test func reportsTopLevelMembersThatAreNotInt64() throws {
        let report = try scanner.scan(Array(#"{"a":1,"b":1.5,"c":-9223372036854775808,"d":9223372036854775808,"e":1e2,"f":{"g":0.5},"h":[2.5]}"#.utf8))
        #expect(report.nonIntegerMembers == ["b", "d", "e"])
    }

    @Test func prefixScanCollectsShortTopLevelStringsBeforeTheCut() {
        let cut = #"{"base":"0-0","cell":"A1","op":"c1-7","type":"set","nested":{"op":"no"},"value":"xxxxxxxx"#
        let report = scanner.scanPrefix(Array(cut.utf8))
        #expect(report.topLevelStrings == ["base": "0-0", "cell": "A1", "op": "c1-7", "type": "set"])
        #expect(scanner.scanPrefix(Array("{\"op\":\"a\" junk \"type\":\"set\"".utf8)).topLevelStrings == ["op": "a"])
        #expect(scanner.scanPrefix([0xFF, 0x00]).topLevelStrings.isEmpty)
    }

    @Test func reportsOffsetOfTheProblem() {
        do {
            _ = try scanner.scan(Array(#"{"a":1 "b":2}"#.utf8))
            Issue.record("should fail")
        } catch {
            #expect(error.offset == 7)
        }
    }
}

@Suite("MessageAssembler")
struct MessageAssemblerTests {
    @Test func singleFramesPassThrough() {
        var assembler = MessageAssembler(maxBytes: 8)
        #expect(assembler.receive(.text, fin: true, payload: Array("hi".utf8)) == .text(Array("hi".utf8)))
        #expect(assembler.receive(.binary, fin: true, payload: [1, 2]) == .binary)
        #expect(assembler.receive(.text, fin: true, payload: [UInt8]()) == .text([]))
    }

    @Test func joinsContinuations() {
        var assembler = MessageAssembler(maxBytes: 8)
        #expect(assembler.receive(.text, fin: false, payload: Array("ab".utf8)) == .incomplete)
        #expect(assembler.receive(.continuation, fin: false, payload: Array("cd".utf8)) == .incomplete)
        #expect(assembler.receive(.continuation, fin: true, payload: Array("ef".utf8)) == .text(Array("abcdef".utf8)))
    }

    @Test func exactlyTheLimitIsAccepted() {
        var assembler = MessageAssembler(maxBytes: 4)
        #expect(assembler.receive(.text, fin: false, payload: Array("ab".utf8)) == .incomplete)
        #expect(assembler.receive(.continuation, fin: true, payload: Array("cd".utf8)) == .text(Array("abcd".utf8)))
    }

    @Test func overTheLimitIsReportedOnceWhenTheMessageEndsThenAssemblyGoesOn() {
        var assembler = MessageAssembler(maxBytes: 4)
        #expect(assembler.receive(.text, fin: true, payload: Array("abcde".utf8)) == .tooLarge(bytes: 5, prefix: Array("abcde".utf8)))
        #expect(assembler.receive(.text, fin: false, payload: Array("abc".utf8)) == .incomplete)
        #expect(assembler.receive(.continuation, fin: false, payload: Array("de".utf8)) == .incomplete)
        #expect(assembler.receive(.continuation, fin: true, payload: Array("fgh".utf8)) == .tooLarge(bytes: 8, prefix: Array("abcdefgh".utf8)))
        #expect(assembler.receive(.text, fin: true, payload: Array("ok".utf8)) == .text(Array("ok".utf8)))
    }

    @Test func keepsOnlyAShortPrefixOfAnOverSizeMessage() {
        var assembler = MessageAssembler(maxBytes: 4096)
        _ = assembler.receive(.text, fin: false, payload: [UInt8](repeating: 1, count: 4000))
        let output = assembler.receive(.continuation, fin: true, payload: [UInt8](repeating: 2, count: 100_000))
        #expect(output == .tooLarge(bytes: 104_000, prefix: [UInt8](repeating: 1, count: MessageAssembler.prefixBytes)))
    }

    @Test func continuationWithoutStartIsOutOfSequence() {
        var assembler = MessageAssembler(maxBytes: 8)
        #expect(assembler.receive(.continuation, fin: true, payload: Array("x".utf8)) == .outOfSequence)
        #expect(assembler.receive(.text, fin: true, payload: Array("ok".utf8)) == .text(Array("ok".utf8)))
    }

    @Test func aMessageStartedInsideAnotherDropsBoth() {
        var assembler = MessageAssembler(maxBytes: 8)
        #expect(assembler.receive(.text, fin: false, payload: Array("ab".utf8)) == .incomplete)
        #expect(assembler.receive(.text, fin: false, payload: Array("cd".utf8)) == .outOfSequence)
        #expect(assembler.receive(.continuation, fin: true, payload: Array("ef".utf8)) == .incomplete)
        #expect(assembler.receive(.text, fin: true, payload: Array("ok".utf8)) == .text(Array("ok".utf8)))
    }
}
