import Foundation

/// A terminal kept in memory, for tests: it records what was drawn and bells rung, and hands
/// out keys queued with `press`.
public final class MemoryTerminal: Terminal, @unchecked Sendable {
    // @unchecked: every stored property is read and written only while holding `lock`.
    private let lock = NSLock()
    private var currentSize: TerminalSize
    private var screen: ScreenBuffer
    private var keys: [Key] = []
    private var bells = 0
    private var copied: [String] = []
    private var restored = false
    private let colors: Bool

    public init(size: TerminalSize = TerminalSize(rows: 24, columns: 80), hasColors: Bool = true) {
        self.currentSize = size
        self.screen = ScreenBuffer(size: size)
        self.colors = hasColors
    }

    public var size: TerminalSize { lock.withLock { currentSize } }
    public var hasColors: Bool { colors }

    /// The last screen drawn, one string per row.
    public var lines: [String] { lock.withLock { screen.lines } }
    public var buffer: ScreenBuffer { lock.withLock { screen } }
    public var bellCount: Int { lock.withLock { bells } }
    /// What the app put on the clipboard, oldest first.
    public var clipboard: [String] { lock.withLock { copied } }

    public func copyToClipboard(_ text: String) {
        lock.withLock { copied.append(text) }
    }
    public var isRestored: Bool { lock.withLock { restored } }

    public func draw(_ buffer: ScreenBuffer) {
        lock.withLock { screen = buffer }
    }

    public func nextKey(timeout: Int) -> Key? {
        lock.withLock { keys.isEmpty ? nil : keys.removeFirst() }
    }

    public func bell() {
        lock.withLock { bells += 1 }
    }

    public func restore() {
        lock.withLock { restored = true }
    }

    public func press(_ newKeys: [Key]) {
        lock.withLock { keys += newKeys }
    }

    /// Changes the size and queues the `.resize` key a real terminal would send.
    public func resize(to size: TerminalSize) {
        lock.withLock {
            currentSize = size
            keys.append(.resize)
        }
    }
}
