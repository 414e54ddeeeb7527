import Foundation
import Logging
import MySQLClient
import NIOConcurrencyHelpers

/// Shared by the MySQL suites; namespaced so it cannot clash with other suites in this target.
enum MySQLTestSupport {
    static var url: String {
        ProcessInfo.processInfo.environment["MYSQL_URL"] ?? "mysql://root@127.0.0.1:13306/collabgrid"
    }

    static var skipRestart: Bool {
        ProcessInfo.processInfo.environment["GRID_SKIP_RESTART"] == "1"
    }

    static func configuration(poolSize: Int = 4) throws -> MySQLConfiguration {
        var configuration = try MySQLConfiguration(url: url)
        configuration.poolSize = poolSize
        return configuration
    }

    /// Runs `body` with a fresh client and always shuts the client down afterwards.
    static func withClient<T>(
        _ configuration: MySQLConfiguration? = nil,
        logger: Logger = Logger(label: "MySQLClientTests"),
        _ body: (MySQLClient) async throws -> T
    ) async throws -> T {
        let client = MySQLClient(configuration: try configuration ?? self.configuration(), logger: logger)
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }

    /// A table or database name unique to this test and run, so suites and runs can share one
    /// server; it only contains characters that are safe as an identifier.
    static func uniqueName(_ prefix: String) -> String {
        let suffix = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        return "t_\(prefix)_\(suffix)"
    }

    /// The directory holding Package.swift, found from this file's location.
    static func repositoryRoot(from file: String = #filePath) throws -> URL {
        var directory = URL(fileURLWithPath: file).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory
            }
            directory = directory.deletingLastPathComponent()
        }
        throw MySQLError(code: .invalidConfiguration, message: "no Package.swift above \(file)")
    }

    /// Runs `scripts/services <arguments>` from the repository root without blocking a
    /// cooperative thread, and fails on a non-zero exit.
    ///
    /// Not Foundation's `Process`: on Linux it learns of the exit through a socket the child
    /// inherits, and the daemon that `services start` leaves behind inherits it too, so the exit
    /// is never reported. Here the script's own pid is awaited with `waitpid`, and bash (dash
    /// cannot close descriptors above 9) first closes every descriptor above stderr, so no daemon
    /// holds anything of this process.
    static func services(_ arguments: String...) async throws {
        let root = try repositoryRoot().path
        let script = #"""
            cd "$1" || exit 97
            shift
            for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
            exec ./scripts/services "$@"
            """#
        let argv = ["/bin/bash", "-c", script, "bash", root] + arguments
        let environment = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                var cArguments = argv.map { strdup($0) } + [nil]
                var cEnvironment = environment.map { strdup($0) } + [nil]
                defer {
                    cArguments.forEach { free($0) }
                    cEnvironment.forEach { free($0) }
                }
                var pid: pid_t = 0
                let spawned = posix_spawn(&pid, "/bin/bash", nil, nil, &cArguments, &cEnvironment)
                guard spawned == 0 else {
                    continuation.resume(
                        throwing: MySQLError(code: .invalidRequest, message: "posix_spawn failed: \(spawned)")
                    )
                    return
                }
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0, errno == EINTR {}
                continuation.resume(returning: status)
            }
        }
        // WIFEXITED / WEXITSTATUS are macros Swift cannot import.
        let exited = status & 0x7f == 0
        guard exited, (status >> 8) & 0xff == 0 else {
            throw MySQLError(
                code: .invalidRequest,
                message: "scripts/services \(arguments.joined(separator: " ")) failed (wait status \(status))"
            )
        }
    }
}

/// Keeps every log line so tests can check what was (and was not) logged.
struct MySQLCapturingLogHandler: LogHandler {
    final class Store: Sendable {
        private let lines = NIOLockedValueBox<[String]>([])
        var all: [String] { lines.withLockedValue { $0 } }
        func append(_ line: String) { lines.withLockedValue { $0.append(line) } }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        store.append("\(event.level) \(event.message) \(merged)")
    }

    static func logger() -> (Logger, Store) {
        let store = Store()
        return (Logger(label: "MySQLClientTests") { _ in MySQLCapturingLogHandler(store: store) }, store)
    }
}
