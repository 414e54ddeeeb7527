import CNcursesw
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real terminal, through ncursesw. Every ncurses call of the program is in this file.
///
/// `@unchecked Sendable`: curses is not thread-safe, and this terminal is used from the input
/// thread (`nextKey`) and the app loop (`draw`, `bell`, `restore`) at once. Every curses call and
/// every stored property is touched only while holding `lock`. The input thread waits for input
/// with `poll(2)` outside the lock and calls curses only to read what is already there, so a
/// draw never waits behind an idle read.
public final class NcursesTerminal: Terminal, @unchecked Sendable {
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    private struct ColorPairKey: Hashable {
        let foreground: Int16
        let background: Int16
    }

    private let lock = NSLock()
    private var restored = false
    private var pairs: [ColorPairKey: Int16] = [:]
    private var cursorShown: Bool?
    private let defaultColor: Int16
    private let output: UnsafeMutablePointer<FILE>
    /// The most a bracketed paste may hold; the rest of a bigger one is dropped, with the paste.
    private static let maxPasteScalars = 4_000_000
    public let hasColors: Bool

    /// Takes over the terminal. The locale must already be UTF-8 (`UTF8Locale.activate`).
    public init() throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw StartError(description: "standard input and output must be a terminal; use --headless for scripts")
        }
        guard let output = fdopen(STDOUT_FILENO, "w"), let input = fdopen(STDIN_FILENO, "r"),
            let screen = newterm(nil, output, input)
        else {
            throw StartError(description: "cannot start the terminal (TERM=\(ProcessInfo.processInfo.environment["TERM"] ?? "unset")); check that TERM names a known terminal")
        }
        set_term(screen)
        self.output = output
        cbreak()
        noecho()
        nonl()
        keypad(cg_stdscr(), true)
        nodelay(cg_stdscr(), true)
        // Escape sequences of special keys arrive together; a lone Esc needs no long wait.
        set_escdelay(25)
        var colors = false
        var defaultColor: Int16 = -1
        if has_colors() {
            start_color()
            colors = true
            if use_default_colors() == ERR { defaultColor = Int16(COLOR_BLACK) }
        }
        self.hasColors = colors
        self.defaultColor = defaultColor
        _ = curs_set(0)
        cursorShown = false
        // Bracketed paste: the terminal marks pasted text, so that it arrives as one paste
        // rather than as keys that would each do something.
        fputs("\u{1B}[?2004h", output)
        fflush(output)
    }

    public var size: TerminalSize {
        lock.withLock { TerminalSize(rows: Int(cg_lines()), columns: Int(cg_cols())) }
    }

    public func draw(_ buffer: ScreenBuffer) {
        lock.withLock {
            guard !restored else { return }
            let window = cg_stdscr()
            let rows = min(buffer.size.rows, Int(cg_lines()))
            let columns = min(buffer.size.columns, Int(cg_cols()))
            var previousHead = ""
            for row in 0..<rows {
                for column in 0..<columns {
                    let cell = buffer[row, column]
                    if cell.isContinuation {
                        // Where the C library thinks the grapheme before is narrow, curses did
                        // not cover this column; blank it so that no stale character shows.
                        if let scalar = previousHead.unicodeScalars.first, cg_wcwidth(wchar_t(bitPattern: scalar.value)) < 2 {
                            put(" ", attributes: attributes(for: cell.style), at: row, column, window)
                        }
                        continue
                    }
                    previousHead = cell.text
                    put(cell.text, attributes: attributes(for: cell.style), at: row, column, window)
                }
            }
            if let position = buffer.cursor, position.row < rows, position.column < columns {
                if cursorShown != true { _ = curs_set(1) }
                cursorShown = true
                wmove(window, Int32(position.row), Int32(position.column))
            } else {
                if cursorShown != false { _ = curs_set(0) }
                cursorShown = false
            }
            wnoutrefresh(window)
            doupdate()
        }
    }

    public func nextKey(timeout: Int) -> Key? {
        if let key = lock.withLock({ readKey() }) { return key }
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        _ = poll(&descriptor, 1, Int32(timeout))
        if descriptor.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
            // The terminal is gone (its window closed): quit as on a hangup, instead of polling a
            // dead descriptor forever.
            raise(SIGHUP)
            return nil
        }
        // Read even without input: a terminal resize shows up only as a key from curses.
        return lock.withLock { readKey() }
    }

    public func bell() {
        lock.withLock {
            guard !restored else { return }
            beep()
        }
    }

    public func restore() {
        lock.withLock {
            guard !restored else { return }
            restored = true
            _ = curs_set(1)
            endwin()
            fputs("\u{1B}[?2004l", output)
            fflush(output)
        }
    }

    public func copyToClipboard(_ text: String) {
        lock.withLock {
            guard !restored else { return }
            fputs("\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}", output)
            fflush(output)
        }
    }

    /// Puts the terminal back if the process dies of a fatal signal, then lets the signal do
    /// what it would have done. The handler calls `endwin` without the lock: the process is
    /// dying, and a lock held by the crashed thread would never be released.
    public static func restoreOnCrash() {
        let handler: @convention(c) (Int32) -> Void = { signalNumber in
            endwin()
            signal(signalNumber, SIG_DFL)
            raise(signalNumber)
        }
        // Swift runtime traps arrive as SIGILL (x86) or SIGTRAP (arm64).
        for signalNumber in [SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE, SIGTRAP] {
            signal(signalNumber, handler)
        }
    }

    // MARK: Under the lock

    private func readKey() -> Key? {
        guard !restored else { return nil }
        var character: wint_t = 0
        let result = wget_wch(cg_stdscr(), &character)
        switch result {
        case KEY_CODE_YES:
            return Self.key(code: Int32(character))
        case OK:
            if character == 27, let pasted = readBracketedPaste() { return .paste(pasted) }
            return Self.key(character: UInt32(character))
        default:
            return nil
        }
    }

    /// After an Esc: the rest of a paste's start mark (`ESC [200~`), then the text up to its end
    /// mark (`ESC [201~`). Anything else is put back to be read as keys. A paste that stops
    /// arriving for a second ends where it stopped.
    private func readBracketedPaste() -> String? {
        var start: [wint_t] = []
        for expected in "[200~".unicodeScalars {
            var character: wint_t = 0
            let result = wget_wch(cg_stdscr(), &character)
            guard result != ERR else { break }
            if result == KEY_CODE_YES { unget_wch(wchar_t(bitPattern: 27)); return nil }
            start.append(character)
            if character != expected.value { break }
        }
        guard start.map({ UInt32($0) }) == "[200~".unicodeScalars.map(\.value) else {
            for character in start.reversed() { unget_wch(wchar_t(bitPattern: UInt32(character))) }
            return nil
        }
        let end = Array("\u{1B}[201~".unicodeScalars)
        var text = String.UnicodeScalarView()
        var tail: [Unicode.Scalar] = []
        var count = 0
        while true {
            var character: wint_t = 0
            let result = wget_wch(cg_stdscr(), &character)
            if result == ERR {
                var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
                if poll(&descriptor, 1, 1000) <= 0 { break }
                continue
            }
            // A key code inside a paste is a sequence the paste held; it is not text.
            guard result == OK, let scalar = Unicode.Scalar(UInt32(character)) else { continue }
            tail.append(scalar)
            if tail.count > end.count { text.append(tail.removeFirst()); count += 1 }
            if tail == end { break }
            if count > Self.maxPasteScalars { return "" }
        }
        if tail != end { text.append(contentsOf: tail) }
        return String(text).replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    private func put(_ text: String, attributes: (attr_t, Int16), at row: Int, _ column: Int, _ window: UnsafeMutablePointer<WINDOW>?) {
        // A cchar_t holds one spacing character and a few combining ones.
        var characters = text.unicodeScalars.prefix(Int(CCHARW_MAX)).map { wchar_t(bitPattern: $0.value) }
        if characters.isEmpty { characters = [wchar_t(32)] }
        characters.append(0)
        var cell = cchar_t()
        setcchar(&cell, characters, attributes.0, attributes.1, nil)
        mvwadd_wch(window, Int32(row), Int32(column), &cell)
    }

    private func attributes(for style: TextStyle) -> (attr_t, Int16) {
        var attributes: attr_t = 0
        if style.bold { attributes |= cg_a_bold() }
        if style.reverse { attributes |= cg_a_reverse() }
        if style.underline { attributes |= cg_a_underline() }
        if style.dim { attributes |= cg_a_dim() }
        guard hasColors, style.foreground != nil || style.background != nil else { return (attributes, 0) }
        return (attributes, pair(foreground: style.foreground, background: style.background))
    }

    /// Colour pairs are made on first use; past the terminal's limit, the default pair is used.
    private func pair(foreground: TermColor?, background: TermColor?) -> Int16 {
        let key = ColorPairKey(
            foreground: foreground.map { Int16($0.rawValue) } ?? defaultColor,
            background: background.map { Int16($0.rawValue) } ?? defaultColor
        )
        if let existing = pairs[key] { return existing }
        let next = pairs.count + 1
        guard next < Int(cg_color_pairs()), next <= Int(Int16.max) else { return 0 }
        init_pair(Int16(next), key.foreground, key.background)
        pairs[key] = Int16(next)
        return Int16(next)
    }

    private static func key(code: Int32) -> Key {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_SR: return .shiftUp
        case KEY_SF: return .shiftDown
        case KEY_SLEFT: return .shiftLeft
        case KEY_SRIGHT: return .shiftRight
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_BTAB: return .backTab
        case KEY_RESIZE: return .resize
        case cg_key_f(1)...cg_key_f(63): return .function(Int(code - cg_key_f(0)))
        default: return .unknown(code)
        }
    }

    private static func key(character: UInt32) -> Key {
        switch character {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .control(Character(Unicode.Scalar(UInt8(96 + character))))
        case 0..<32: return .unknown(Int32(character))
        default:
            guard let scalar = Unicode.Scalar(character) else { return .unknown(Int32(bitPattern: character)) }
            return .character(Character(scalar))
        }
    }
}
