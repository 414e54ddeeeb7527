import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs the project's scripts and other commands from tests, for every test target.
public enum ServiceScripts {
    public static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The directory holding Package.swift, found from this file's location.
    public static func repositoryRoot(from file: String = #filePath) -> URL {
        var directory = URL(fileURLWithPath: file).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) { return directory }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }

    /// Runs `scripts/services ARGS` (kill or start Redis / MariaDB by pid); throws on failure.
    public static func run(services arguments: [String]) async throws {
        let status = try await run(["/bin/sh", "-c", "cd \"$0\" && exec scripts/services \"$@\"", repositoryRoot().path] + arguments)
        guard status == 0 else {
            throw ScriptFailure(message: "scripts/services \(arguments.joined(separator: " ")) failed (wait status \(status))")
        }
    }

    /// Runs a command to completion with stdin from /dev/null, stdout to `output` (or /dev/null)
    /// and no other inherited descriptors; returns its wait status.
    ///
    /// Not Foundation's `Process`: on Linux it learns of the exit through a descriptor the child
    /// inherits, and a daemon the command starts (redis-server, a tmux server) inherits it too, so
    /// the exit is never seen. Closing every other descriptor also keeps such daemons from holding
    /// the pipes of the clients under test open. The child is awaited with a polling `waitpid`,
    /// which keeps the cooperative threads free.
    public static func run(_ argv: [String], output: String? = nil, extraEnvironment: [String: String] = [:]) async throws -> Int32 {
        let pid = try spawn(argv, output: output, extraEnvironment: extraEnvironment)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) != pid { try await Task.sleep(for: .milliseconds(20)) }
        return status
    }

    /// The same, blocking the calling thread: for cleanup in `defer`, which cannot await.
    @discardableResult
    public static func runBlocking(_ argv: [String], extraEnvironment: [String: String] = [:]) -> Int32 {
        guard let pid = try? spawn(argv, output: nil, extraEnvironment: extraEnvironment) else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    /// Restarts a service a test stopped, even when the test failed half-way.
    public static func restore(_ service: String) {
        runBlocking(["/bin/sh", "-c", "cd \"$0\" && exec scripts/services start \"$1\"", repositoryRoot().path, service])
    }

    private static func spawn(_ argv: [String], output: String?, extraEnvironment: [String: String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // bash (dash cannot close descriptors above 9) closes every descriptor above 2 first.
        let closing = "for fd in /proc/$$/fd/*; do n=${fd##*/}; [ \"$n\" -gt 2 ] && eval \"exec $n>&-\"; done 2>/dev/null; exec \"$@\""
        let cArguments = (["/bin/bash", "-c", closing, "run"] + argv).map { strdup($0) } + [nil]
        let cEnvironment = environment.merging(extraEnvironment) { $1 }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, nil, cArguments, cEnvironment)
        guard spawned == 0 else { throw ScriptFailure(message: "cannot run \(argv[0]): \(String(cString: strerror(spawned)))") }
        return pid
    }
}

public struct ScriptFailure: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
