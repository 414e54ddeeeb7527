import Foundation

/// A shell spinning on one core until stopped, so the server competes for CPU as on a machine
/// shared with other builds.
final class BusyLoop: Sendable {
    private let process: Process

    init() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "while :; do :; done"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
    }

    func stop() {
        if process.isRunning { process.terminate() }
    }
}
