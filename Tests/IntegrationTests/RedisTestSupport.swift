import Foundation
import Logging
import NIOConcurrencyHelpers
import RedisClient

/// Shared by the Redis suites; namespaced so it cannot clash with other suites in this target.
enum RedisTestSupport {
    static var url: String {
        ProcessInfo.processInfo.environment["REDIS_URL"] ?? "redis://127.0.0.1:16379"
    }

    static var skipRestart: Bool {
        ProcessInfo.processInfo.environment["GRID_SKIP_RESTART"] == "1"
    }

    static func configuration(poolSize: Int = 4) throws -> RedisConfiguration {
        var configuration = try RedisConfiguration(url: self.url)
        configuration.poolSize = poolSize
        return configuration
    }

    static func makeClient(poolSize: Int = 4, logger: Logger = Logger(label: "RedisClientTests")) throws -> RedisClient {
        RedisClient(configuration: try self.configuration(poolSize: poolSize), logger: logger)
    }

    /// Keys are unique per test and per run so suites can share one server.
    static func key(_ name: String) -> String {
        "test:redis:\(name):\(UUID().uuidString)"
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
        throw RedisError(code: .protocolError, message: "no Package.swift above \(file)")
    }

    /// Runs `scripts/services <arguments>` from the repository root and fails on a non-zero exit.
    ///
    /// Not Foundation's `Process`: on Linux it learns of the exit through a descriptor the child
    /// inherits, and the redis-server daemon started by `start redis` inherits it too, so the
    /// termination handler never runs. The child is reaped with a polling `waitpid` instead, which
    /// also keeps the cooperative threads free.
    static func services(_ arguments: String...) async throws {
        let root = try self.repositoryRoot().path
        let argv = ["/bin/sh", "-c", "cd \"$0\" && exec scripts/services \"$@\"", root] + arguments
        let environment = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup($0) } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }

        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, cArguments, cEnvironment)
        guard spawned == 0 else {
            throw RedisError(code: .protocolError, message: "cannot run scripts/services: \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            if result == -1, errno != EINTR {
                throw RedisError(code: .protocolError, message: "waitpid failed: \(String(cString: strerror(errno)))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        // WIFEXITED/WEXITSTATUS are macros Swift cannot import.
        let exited = status & 0x7f == 0
        let exitCode = (status >> 8) & 0xff
        guard exited, exitCode == 0 else {
            throw RedisError(
                code: .protocolError,
                message: "scripts/services \(arguments.joined(separator: " ")) failed (wait status \(status))"
            )
        }
    }
}

/// Keeps every log line so tests can check what was (and was not) logged.
struct RedisCapturingLogHandler: LogHandler {
    final class Store: Sendable {
        private let lines = NIOLockedValueBox<[String]>([])
        var all: [String] { self.lines.withLockedValue { $0 } }
        func append(_ line: String) { self.lines.withLockedValue { $0.append(line) } }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = self.metadata.merging(event.metadata ?? [:]) { _, new in new }
        self.store.append("\(event.level) \(event.message) \(merged)")
    }

    static func logger() -> (Logger, Store) {
        let store = Store()
        return (Logger(label: "RedisClientTests") { _ in RedisCapturingLogHandler(store: store) }, store)
    }
}
