import Foundation
import TestSupport
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

    static func services(_ arguments: String...) async throws {
        try await ServiceScripts.run(services: arguments)
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
