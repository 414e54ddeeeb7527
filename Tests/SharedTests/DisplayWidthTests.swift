import Testing
@testable import GridTUIKit
@testable import Shared

@Suite("DisplayWidth")
struct DisplayWidthTests {
    @Test func asciiIsOneColumnEach() {
        #expect(DisplayWidth.of("hello") == 5)
        #expect(DisplayWidth.of("") == 0)
        #expect(DisplayWidth.of(Character(" ")) == 1)
    }

    @Test func cjkAndFullwidthAreTwoColumns() {
        #expect(DisplayWidth.of("世界") == 4)
        #expect(DisplayWidth.of("日本語") == 6)
        #expect(DisplayWidth.of("한국") == 4)
        #expect(DisplayWidth.of("ＡＢ") == 4)
        #expect(DisplayWidth.of("カタカナ") == 8)
    }

    @Test func emojiAreTwoColumns() {
        #expect(DisplayWidth.of(Character("🎉")) == 2)
        #expect(DisplayWidth.of(Character("👍🏽")) == 2)
        #expect(DisplayWidth.of(Character("👨‍👩‍👧")) == 2)
        #expect(DisplayWidth.of(Character("🇫🇷")) == 2)
        #expect(DisplayWidth.of(Character("1️⃣")) == 2)
        #expect(DisplayWidth.of(Character("❤️")) == 2)
    }

    @Test func textPresentationSymbolsAreOneColumn() {
        #expect(DisplayWidth.of(Character("❤")) == 1)
        #expect(DisplayWidth.of(Character("…")) == 1)
        #expect(DisplayWidth.of(Character("│")) == 1)
        #expect(DisplayWidth.of(Character("é")) == 1)
    }

    @Test func combiningMarksAddNoWidth() {
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("a\u{20DD}") == 1)
        #expect(DisplayWidth.of(Unicode.Scalar(0x301)!) == 0)
        #expect(DisplayWidth.of(Unicode.Scalar(0x200B)!) == 0)
        #expect(DisplayWidth.of(Unicode.Scalar(0xAD)!) == 1)
    }

    @Test func controlCharactersHaveNoWidth() {
        #expect(DisplayWidth.of(Unicode.Scalar(0x1B)!) == 0)
        #expect(DisplayWidth.of(Character("\u{7}")) == 0)
    }

    @Test func truncationCutsWithAMarker() {
        #expect(TextFit.truncate("abcdefghijk", to: 5, marker: "…") == "abcd…")
        #expect(TextFit.truncate("abcdefghijk", to: 5, marker: ">") == "abcd>")
        #expect(TextFit.truncate("abc", to: 5, marker: "…") == "abc")
        #expect(TextFit.fit("abc", to: 5, marker: "…") == "abc  ")
        #expect(TextFit.fit("42", to: 5, marker: "…", alignRight: true) == "   42")
    }

    @Test func wideCharacterAtTheCutBecomesASpace() {
        // Room for four columns before the marker: "a世" is 3, the next 界 would make 5.
        let cut = TextFit.truncate("a世界世界", to: 5, marker: "…")
        #expect(cut == "a世 …")
        #expect(DisplayWidth.of(cut) == 5)
        #expect(TextFit.truncate("世界世界", to: 5, marker: "…") == "世界…")
    }

    @Test func screenBufferGivesWideCharactersTwoCells() {
        var buffer = ScreenBuffer(size: TerminalSize(rows: 1, columns: 6))
        buffer.write("世界x", row: 0, column: 0, style: .plain)
        #expect(buffer[0, 0].text == "世")
        #expect(buffer[0, 1].isContinuation)
        #expect(buffer[0, 2].text == "界")
        #expect(buffer[0, 4].text == "x")
        #expect(buffer.lines[0] == "世界x ")
        #expect(DisplayWidth.of(buffer.lines[0]) == 6)
    }

    @Test func wideCharacterThatWouldStraddleTheLimitIsReplacedBySpace() {
        var buffer = ScreenBuffer(size: TerminalSize(rows: 1, columns: 8))
        buffer.write("ab", row: 0, column: 4, style: .plain)
        let used = buffer.write("x世", row: 0, column: 0, width: 2, style: .plain)
        #expect(used == 2)
        #expect(buffer.lines[0] == "x   ab  ")
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var buffer = ScreenBuffer(size: TerminalSize(rows: 1, columns: 4))
        buffer.write("世界", row: 0, column: 0, style: .plain)
        buffer.write("x", row: 0, column: 1, style: .plain)
        #expect(buffer.lines[0] == " x界")
        buffer.write("y", row: 0, column: 2, style: .plain)
        #expect(buffer.lines[0] == " xy ")
        #expect(DisplayWidth.of(buffer.lines[0]) == 4)
    }

    @Test func wrapBreaksAtSpacesWithinTheWidth() {
        #expect(TextWrap.wrap("one two three four", width: 9, maxLines: 3, marker: "…") == ["one two", "three", "four"])
        #expect(TextWrap.wrap("one two three four", width: 9, maxLines: 2, marker: "…") == ["one two", "three fo…"])
        #expect(TextWrap.wrap("abcdefghij", width: 4, maxLines: 5, marker: "…") == ["abcd", "efgh", "ij"])
    }
}
