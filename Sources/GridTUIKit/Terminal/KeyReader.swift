import Foundation

/// Reads keys on a thread of its own, so that waiting for the keyboard never holds one of the
/// few threads of Swift's concurrency pool, and hands each key to `onKey`.
final class KeyReader: @unchecked Sendable {
    // @unchecked: `running` is read and written only while holding `lock`; `terminal` and
    // `onKey` are Sendable and never change.
    private let lock = NSLock()
    private var running = false
    private let finished = DispatchSemaphore(value: 0)
    private let terminal: any Terminal
    private let onKey: @Sendable (Key) -> Void
    /// How long one wait for input lasts; also how late a stop is noticed.
    private let pollMilliseconds = 50

    init(terminal: any Terminal, onKey: @escaping @Sendable (Key) -> Void) {
        self.terminal = terminal
        self.onKey = onKey
    }

    func start() {
        lock.withLock { running = true }
        let thread = Thread { [self] in
            while lock.withLock({ running }) {
                if let key = terminal.nextKey(timeout: pollMilliseconds) { onKey(key) }
            }
            finished.signal()
        }
        thread.name = "grid-tui keys"
        thread.start()
    }

    /// Stops reading and waits (briefly) for the thread to finish, so that the terminal can be
    /// restored without a read in flight.
    func stop() {
        let wasRunning = lock.withLock {
            defer { running = false }
            return running
        }
        if wasRunning { _ = finished.wait(timeout: .now() + .milliseconds(500)) }
    }
}
