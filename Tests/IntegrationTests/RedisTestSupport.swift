import Foundation
import TestSupport
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

    static func configuration() throws -> RedisConfiguration {
        try RedisConfiguration(url: self.url)
    }

    static func makeClient(_ configuration: RedisConfiguration? = nil, logger: Logger = Logger(label: "RedisClientTests")) throws -> RedisClient {
        RedisClient(configuration: try configuration ?? self.configuration(), logger: logger)
    }

    /// Keys are unique per test and per run so suites can share one server.
    static func key(_ name: String) -> String {
        "test:redis:\(name):\(UUID().uuidString)"
    }

    static func services(_ arguments: String...) async throws {
        try await ServiceScripts.run(services: arguments)
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
