import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A shell spinning on one core until stopped, so the server competes for CPU as on a machine
/// shared with other builds.
///
/// Stopped with SIGKILL: the test process blocks SIGTERM and its children inherit the mask, so
/// `Process.terminate()` left the loops spinning after the test. As a safety net for a test
/// process that dies first, the loop also ends by itself after five minutes (bash's `SECONDS`,
/// so the loop forks nothing).
final class BusyLoop: Sendable {
    private let process: Process

    init() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "while (( SECONDS < 300 )); do :; done"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
