import Foundation

/// Unbuffered line output, so a script's results reach a pipe as they happen.
public struct HeadlessOutput: Sendable {
    public init() {}

    public func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    public func error(_ text: String) {
        FileHandle.standardError.write(Data(("grid-tui: " + text + "\n").utf8))
    }
}
