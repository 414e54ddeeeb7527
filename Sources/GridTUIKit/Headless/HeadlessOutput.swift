import Foundation
import Synchronization

/// Unbuffered line output, so a script's results reach a pipe as they happen. Lines come from
/// the script and from the connection's observer at once; a large line reaches a pipe in several
/// writes, so each line is written whole under a lock, or two lines could interleave.
public final class HeadlessOutput: Sendable {
    private let lock = Mutex(())

    public init() {}

    public func line(_ text: String) {
        lock.withLock { _ in FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
    }

    /// A progress bar on standard error, redrawn in place (`grid-tui import` on a terminal).
    public func progress(_ label: String, done: Int, total: Int) {
        let width = 30
        let filled = total > 0 ? min(width, done * width / total) : width
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        lock.withLock { _ in FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(done)/\(total) cells".utf8)) }
    }

    public func endProgress() {
        lock.withLock { _ in FileHandle.standardError.write(Data("\n".utf8)) }
    }

    public func error(_ text: String) {
        lock.withLock { _ in FileHandle.standardError.write(Data(("grid-tui: " + text + "\n").utf8)) }
    }
}
