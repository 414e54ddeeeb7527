import Testing
@testable import GridTUIKit
@testable import Shared

@Suite("Sanitizer")
struct SanitizerTests {
    @Test func plainTextIsUnchanged() {
        for text in ["", "hello", "héllo 世界 🎉", "a\u{301}", "^[ is just text"] {
            #expect(Sanitizer.visible(text) == text)
        }
    }

    @Test func escapeAndBellBecomeCaretNotation() {
        #expect(Sanitizer.visible("\u{1b}[2J") == "^[[2J")
        #expect(Sanitizer.visible("\u{1b}]52;c;aGVsbG8=\u{7}") == "^[]52;c;aGVsbG8=^G")
    }

    @Test func everyC0ControlAndDelIsShown() {
        #expect(Sanitizer.visible("\u{0}") == "^@")
        #expect(Sanitizer.visible("a\tb") == "a^Ib")
        #expect(Sanitizer.visible("line\nnext\r") == "line^Jnext^M")
        #expect(Sanitizer.visible("\u{1f}") == "^_")
        #expect(Sanitizer.visible("\u{7f}") == "^?")
        for value in UInt32(0)..<0x20 {
            let text = String(Character(Unicode.Scalar(value)!))
            #expect(!Sanitizer.visible(text).unicodeScalars.contains { $0.value < 0x20 })
        }
    }

    @Test func c1ControlsAreShownInHex() {
        // U+009B is CSI: on some terminals it starts an escape sequence on its own.
        #expect(Sanitizer.visible("x\u{9b}31m") == "x<9B>31m")
        #expect(Sanitizer.visible("\u{80}\u{9f}") == "<80><9F>")
    }

    @Test func bidiOverridesAndLineSeparatorsAreShown() {
        #expect(Sanitizer.visible("abc\u{202e}def") == "abc<U+202E>def")
        #expect(Sanitizer.visible("\u{2066}x\u{2069}") == "<U+2066>x<U+2069>")
        #expect(Sanitizer.visible("a\u{2028}b") == "a<U+2028>b")
    }

    @Test func resultNeverHoldsAnythingThatNeedsEscaping() {
        var scalars = String.UnicodeScalarView()
        for value in UInt32(0)..<0x300 { if let scalar = Unicode.Scalar(value) { scalars.append(scalar) } }
        let sanitized = Sanitizer.visible(String(scalars))
        #expect(!sanitized.unicodeScalars.contains(where: Sanitizer.needsEscape))
    }

    @Test func screenBufferWritesAreSanitized() {
        var buffer = ScreenBuffer(size: TerminalSize(rows: 1, columns: 20))
        buffer.write("a\u{1b}[2Jb\u{7}", row: 0, column: 0, style: .plain)
        #expect(buffer.lines[0].hasPrefix("a^[[2Jb^G"))
        #expect(!buffer.lines[0].contains("\u{1b}"))
    }

    @Test func textFitSanitizesBeforeMeasuring() {
        // "^[" takes two columns, so the notation counts toward the width.
        #expect(TextFit.fit("\u{1b}x", to: 4, marker: "…") == "^[x ")
        #expect(TextFit.truncate("\u{1b}\u{1b}\u{1b}", to: 4, marker: "…") == "^[^…")
    }
}
